import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteEventStore } from '@ordo/sqlite';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BankingProcess, killHard, postCommand, startBankingProcess } from './test-support/banking-process.js';

// Debian's chromium, as .ci/run installs it; elsewhere this suite says once why it does not run.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium && process.env.CI) throw new Error(`The console suite needs Chromium at ${chromiumPath} in CI`);
if (!hasChromium)
  console.log(`banking console e2e: skipped, no Chromium at ${chromiumPath} (apt-get install chromium)`);

// UPDATE_SCREENSHOTS=1 writes the README's pictures; otherwise they go to the test's temp folder.
const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'console');
const seededStreams = 2_000;
const eventsPerSeededStream = 25;

/** Enough history that a rebuild runs for several live updates, written straight into the store. */
async function seedHistory(file: string): Promise<void> {
  const store = createSqliteEventStore({ path: file });
  for (let i = 0; i < seededStreams; i += 1) {
    const deposits = Array.from({ length: eventsPerSeededStream - 1 }, (_, n) => ({
      type: 'MoneyDeposited',
      data: { amount: 100, currency: 'EUR', balance: (n + 1) * 100 },
    }));
    await store.appendToStream(`account-load-${i}`, [
      { type: 'AccountOpened', data: { owner: `Load ${i}`, currency: 'EUR', overdraftLimit: 0 } },
      ...deposits,
    ]);
  }
  await store.close();
}

describe.runIf(hasChromium)('the Ordo Console on the banking example, in headless Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-console-'));
  const shots = process.env.UPDATE_SCREENSHOTS ? docs : join(dataDir, 'screenshots');
  let banking: BankingProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    await seedHistory(join(dataDir, 'banking.sqlite'));
    banking = await startBankingProcess({ ORDO_DATA_DIR: dataDir, ORDO_CONSOLE_LIVE_MS: '100' });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 820 } });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(`${banking.url}/console`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (banking) await killHard(banking);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const row = (collection: string) => page.locator(`tr[data-collection="${collection}"]`);

  it('shows every projection caught up, live', async () => {
    await expect.poll(() => page.locator('#connection').textContent()).toMatch(/^Live/);
    for (const name of ['accounts', 'transactions', 'daily_totals', 'transfers']) {
      await row(`${name}_v1`).locator('.state.caught-up').first().waitFor({ timeout: 60_000 });
    }
    await expect.poll(() => row('accounts_v1').locator('td').nth(3).textContent(), { timeout: 60_000 }).toBe('0');
    await page.screenshot({ path: join(shots, 'projections.png') });
  }, 120_000);

  it('starts a blue/green rebuild, shows its progress and switches when it caught up', async () => {
    // Any progress bar the page draws is recorded, however briefly it shows.
    // (A script string: this file is compiled without the DOM's types.)
    await page.evaluate(`
      window.progressSeen = 0;
      new MutationObserver(() => {
        if (document.querySelector('progress')) window.progressSeen += 1;
      }).observe(document.body, { childList: true, subtree: true });
    `);
    await page.getByRole('button', { name: 'Rebuild accounts' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rebuild' }).click();
    const rebuilding = page.locator('tr:has(.state.rebuilding)');
    await rebuilding.first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(shots, 'rebuild.png') });
    await rebuilding.first().waitFor({ state: 'detached', timeout: 60_000 });
    const collections = await page
      .locator('tr[data-collection^="accounts_v1"]')
      .evaluateAll((rows) => rows.map((element) => element.getAttribute('data-collection')));
    expect(collections).toHaveLength(1);
    expect(collections[0]).not.toBe('accounts_v1');
    expect(await page.evaluate('window.progressSeen')).toBeGreaterThan(0);
  });

  it('lists an event the projections cannot apply, retries it, and skips it for good', async () => {
    // A payload that fails its schema, appended by another writer: every projection of accounts parks it.
    const store = createSqliteEventStore({ path: join(dataDir, 'banking.sqlite') });
    const { position } = await store.appendToStream('account-load-7', [
      { type: 'MoneyDeposited', data: { amount: 'a lot', currency: 'EUR' } },
    ]);
    await store.close();

    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.getByLabel('Projection').selectOption('accounts');
    const parked = page.locator(`tr[data-position="${position}"]`);
    await parked.waitFor({ timeout: 30_000 });
    expect(await parked.textContent()).toContain('MoneyDeposited');
    await page.screenshot({ path: join(shots, 'dead-letters.png') });

    await page.getByRole('button', { name: 'Retry account-load-7' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toBe('Retried: 0 applied, 1 still parked');

    await page.getByRole('button', { name: `Skip ${position}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Skip' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toBe(`Skipped position ${position}`);
    await page.getByText('Nothing parked for accounts.').waitFor();
  });

  it("finds a transfer's events across streams by its correlation id", async () => {
    const transfer = await postCommand(banking.url, '/transfers/console-t1/commands/request-transfer', {
      from: 'alice',
      to: 'bob',
      amount: 1_000,
      currency: 'EUR',
    });
    expect(transfer.status).toBe(200);

    await page.getByRole('link', { name: 'Streams' }).click();
    await page.getByRole('textbox', { name: 'Stream id' }).fill('transfer-console-t1');
    await page.getByRole('button', { name: 'Look up' }).click();
    const requested = page.getByRole('table', { name: 'Stream events' }).locator('tbody tr').first();
    await requested.waitFor();
    await requested.getByText('metadata').click();
    const metadata = JSON.parse((await requested.locator('details').nth(1).locator('pre').textContent()) ?? '{}');
    expect(metadata.correlationId).toEqual(expect.any(String));

    await page.getByRole('textbox', { name: 'Correlation id' }).fill(metadata.correlationId);
    // The saga writes to both accounts after the request: search until the credit is there.
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Find' }).click();
          const streams = await page
            .getByRole('table', { name: 'Correlated events' })
            .locator('tbody tr td:nth-child(2)')
            .allTextContents();
          return [...new Set(streams)].sort();
        },
        { timeout: 30_000 },
      )
      .toEqual(expect.arrayContaining(['account-alice', 'account-bob', 'transfer-console-t1']));
    await page.screenshot({ path: join(shots, 'streams.png'), fullPage: true });
  });

  it('tails the global log live', async () => {
    await page.getByRole('button', { name: 'Follow the global log' }).click();
    const deposit = await postCommand(banking.url, '/accounts/carol/commands/deposit', {
      amount: 500,
      currency: 'USD',
    });
    const tail = page.getByRole('table', { name: 'Global log' });
    await tail.locator(`tr[data-position="${deposit.body.position}"]`).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Stop following' }).click();
  });

  it('shows the process manager instances with their steps, keyboard first', async () => {
    await page.getByRole('link', { name: 'Process managers' }).focus();
    await page.keyboard.press('Enter');
    const instance = page.locator('tr[data-process="console-t1"]');
    await instance.waitFor({ timeout: 30_000 });
    expect(await instance.locator('.state').textContent()).toBe('completed');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Process managers');
    await page.screenshot({ path: join(shots, 'processes.png') });
  });

  it('serves nothing of the console to a cross-site action', async () => {
    const refused = await fetch(`${banking.url}/console/api/projections/accounts/rebuild`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example', 'ordo-console-action': '1' },
      body: '{}',
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('CONSOLE_ACTION_REFUSED');
  });
});
