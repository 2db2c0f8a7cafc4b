import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createInMemoryEventStore } from '@ordo/core';
import { createOrdoApp, startServer } from '@ordo/http';
import { createInMemoryReadStore, createProjectionRunner, createStoreEventSource } from '@ordo/projections';
import { chromium } from 'playwright-core';
import { balances } from '../balance-projection.js';
import { median, printTable } from '../harness.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const runs = 7;
const flags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Bytes of the built console assets, raw and gzipped, as the published package serves them. */
function bundleSizes(): { raw: number; gzipped: number } {
  // The bench lives in the monorepo: it builds the console from @ordo/http's own build script.
  const script = fileURLToPath(
    new URL('../../../packages/adapters/http/scripts/build-console-ui.cjs', import.meta.url),
  );
  const require = createRequire(import.meta.url);
  const out = (require(script) as { buildConsoleUi(): string }).buildConsoleUi();
  let raw = 0;
  let gzipped = 0;
  for (const name of ['index.html', 'console.js', 'console.css']) {
    const body = readFileSync(join(out, name));
    raw += body.length;
    gzipped += gzipSync(body).length;
  }
  return { raw, gzipped };
}

/** The console's size and how soon a fresh browser tab paints it and shows live projection rows. */
export async function consolePageSuite(): Promise<void> {
  const sizes = bundleSizes();
  const events = createInMemoryEventStore();
  for (let i = 0; i < 100; i += 1) {
    await events.appendToStream(`account-${i}`, [{ type: 'MoneyDeposited', data: { amount: 10 } }]);
  }
  const runner = createProjectionRunner({
    source: createStoreEventSource(events),
    store: createInMemoryReadStore(),
    projections: [balances],
  });
  await runner.start();
  const server = await startServer(createOrdoApp({ runner, console: { events } }), { port: 0 });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: flags });
  try {
    const load = async () => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 820 } });
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(`http://127.0.0.1:${server.port}/console/`);
      await page.locator('tr[data-collection]').first().waitFor();
      const rows = Date.now() - started;
      const paint = await page.evaluate(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      );
      await context.close();
      return { paint, rows };
    };
    const paint = await median(async () => (await load()).paint, { runs });
    const rows = await median(async () => (await load()).rows, { runs });
    printTable(
      `Console page (headless Chromium on loopback, fresh context per load, median of ${runs})`,
      [
        {
          workload: 'assets, gzipped (html + js + css)',
          unit: 'kB',
          ordo: sizes.gzipped / 1000,
          higherIsBetter: false,
          target: '< 150',
        },
        { workload: 'assets, raw', unit: 'kB', ordo: sizes.raw / 1000, higherIsBetter: false },
        { workload: 'first contentful paint', unit: 'ms', ordo: paint, higherIsBetter: false },
        { workload: 'navigation to first live projection row', unit: 'ms', ordo: rows, higherIsBetter: false },
      ],
      'peer',
    );
  } finally {
    await browser.close();
    await server.close();
    await runner.stop();
  }
}
