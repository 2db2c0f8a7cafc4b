// `npm run rebuild -w examples/banking [-- projection…]`: asks the running server to rebuild its
// projections blue/green and shows the progress. The rebuild runs inside the server, beside the
// live versions its runner keeps serving, so queries keep answering throughout.
import { formatProgress } from './rebuild-progress.js';

interface Status {
  readonly name: string;
  readonly collection: string;
  readonly role: 'serving' | 'rebuilding';
  readonly headPosition: number;
  readonly partitions: readonly { readonly reached: number }[];
}

const base = process.env.BANKING_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const tty = process.stdout.isTTY === true;

async function call(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, init).catch(() => {
    throw new Error(`cannot reach the banking server at ${base} (start it with npm start, or set BANKING_URL)`);
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function rebuild(name: string): Promise<void> {
  const started = await call(`/projections/${name}/rebuild`, { method: 'POST' });
  if (started.status !== 202) throw new Error(`${name}: ${String(started.body.detail ?? started.status)}`);
  const target = started.body.collection as string;
  const startedAt = Date.now();
  let lastLine = 0;
  for (;;) {
    const items = (await call(`/projections/${name}`)).body.items as Status[];
    const mine = items.find((status) => status.collection === target);
    if (mine === undefined) throw new Error(`${name}: the rebuilt collection ${target} disappeared`);
    const done = Math.min(...mine.partitions.map((partition) => partition.reached));
    const rate = (done / Math.max(1, Date.now() - startedAt)) * 1000;
    if (mine.role === 'serving') {
      const line = formatProgress(name, mine.headPosition, mine.headPosition, rate, tty);
      process.stdout.write(tty ? `\r${line}\n` : `${line}\n`);
      console.log(`${name}: now serving ${target} (${((Date.now() - startedAt) / 1000).toFixed(1)}s)`);
      return;
    }
    if (tty) process.stdout.write(`\r${formatProgress(name, done, mine.headPosition, rate, true)}`);
    else if (Date.now() - lastLine >= 1000) {
      lastLine = Date.now();
      console.log(formatProgress(name, done, mine.headPosition, rate, false));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

try {
  const requested = process.argv.slice(2);
  const serving = ((await call('/projections')).body.items as Status[]).filter((status) => status.role === 'serving');
  const names = requested.length > 0 ? requested : serving.map((status) => status.name);
  const unknown = names.filter((name) => !serving.some((status) => status.name === name));
  if (unknown.length > 0)
    throw new Error(`unknown projection ${unknown.join(', ')}; known: ${serving.map((s) => s.name).join(', ')}`);
  for (const name of names) await rebuild(name);
} catch (error) {
  console.error(`rebuild failed: ${(error as Error).message}`);
  process.exit(1);
}
