// One client process of the process-manager bench:
// `transfer-load-child.ts <url> <transfers/s> <deposits/s> <seconds> <accounts> <prefix>`.
// Sends transfers and deposits at a fixed arrival rate (open loop: a slow server does not slow the
// clients down), reads every 5th transfer back with Ordo-After-Position, prints one JSON line.
import { performance } from 'node:perf_hooks';

const [url = '', transferRate = '250', depositRate = '100', seconds = '20', accounts = '50', prefix = 'c'] =
  process.argv.slice(2);
const tickMs = 20;
const ticks = Math.round((Number(seconds) * 1000) / tickMs);
const pick = () => `pm-${Math.floor(Math.random() * Number(accounts))}`;

const figures = { transfers: 0, deposits: 0, failed: 0, rejected: 0, ryw503: 0 };
const rywWaits: number[] = [];

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function transfer(n: number): Promise<void> {
  const id = `${prefix}-${n}`;
  const from = pick();
  let to = pick();
  while (to === from) to = pick();
  const response = await post(`/transfers/${id}/commands/request-transfer`, { from, to, amount: 1, currency: 'EUR' });
  if (response.status !== 200) {
    figures.failed += 1;
    await response.body?.cancel();
    return;
  }
  figures.transfers += 1;
  const { position } = (await response.json()) as { position: number };
  if (n % 5 !== 0) return;
  const started = performance.now();
  const read = await fetch(`${url}/transfers/${id}`, { headers: { 'ordo-after-position': String(position) } });
  await read.body?.cancel();
  if (read.status === 503) figures.ryw503 += 1;
  else rywWaits.push(performance.now() - started);
}

async function deposit(): Promise<void> {
  const response = await post(`/accounts/${pick()}/commands/deposit`, { amount: 1, currency: 'EUR' });
  if (response.status === 200) figures.deposits += 1;
  else if (response.status === 422) figures.rejected += 1;
  else figures.failed += 1;
  await response.body?.cancel();
}

const inFlight: Promise<void>[] = [];
let sentTransfers = 0;
let sentDeposits = 0;
const started = performance.now();
for (let tick = 1; tick <= ticks; tick += 1) {
  const elapsed = (tick * tickMs) / 1000;
  while (sentTransfers < elapsed * Number(transferRate)) {
    sentTransfers += 1;
    inFlight.push(transfer(sentTransfers));
  }
  while (sentDeposits < elapsed * Number(depositRate)) {
    sentDeposits += 1;
    inFlight.push(deposit());
  }
  const wait = started + tick * tickMs - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
await Promise.allSettled(inFlight);
const sorted = rywWaits.sort((a, b) => a - b);
const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
process.stdout.write(
  `${JSON.stringify({ ...figures, seconds: (performance.now() - started) / 1000, rywP50: at(50), rywP99: at(99), rywMax: at(100), rywReads: sorted.length })}\n`,
);
