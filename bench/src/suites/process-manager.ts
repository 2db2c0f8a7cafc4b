import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type BenchRow, printTable } from '../harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const bankingMain = join(here, '..', '..', '..', 'examples', 'banking', 'src', 'main.ts');
const loadChild = join(here, '..', 'transfer-load-child.ts');
const tsx = ['--import', 'tsx', '--conditions=@ordo/source'];

interface ServerChild {
  readonly child: ChildProcess;
  readonly url: string;
}

/** The banking example as its users run it (SQLite in a fresh folder), on a free port. */
async function startBanking(dataDir: string): Promise<ServerChild> {
  const child = spawn(
    process.execPath,
    [...(process.env.ORDO_BENCH_NODE_ARGS?.split(' ') ?? []), ...tsx, bankingMain],
    {
      env: { ...process.env, ORDO_DATA_DIR: dataDir, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  // Read stdout to the end (not just to the banner), so the server never writes into a closed pipe.
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
      const listening = /on (http:\/\/localhost:\d+)/.exec(output);
      if (listening?.[1] !== undefined) resolve(listening[1]);
    });
    child.once('exit', (code) => reject(new Error(`the banking example exited (${code}) before listening: ${output}`)));
  });
  return { child, url: await url };
}

async function stop(server: ServerChild, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill(signal);
  await exited;
}

async function post(url: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
}

async function transfersLag(url: string): Promise<number> {
  const response = await fetch(`${url}/projections/transfers`);
  const { items } = (await response.json()) as { items: { role: string; lag: number }[] };
  return Math.max(0, ...items.filter((item) => item.role === 'serving').map((item) => item.lag));
}

type LoadFigures = Record<string, number>;

function runClient(args: readonly string[]): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...tsx, loadChild, ...args], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`load client failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadFigures);
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Number.POSITIVE_INFINITY;
}

export interface ProcessManagerLoad {
  readonly transfersPerSecond: number;
  readonly depositsPerSecond: number;
  readonly seconds: number;
  readonly accounts: number;
  readonly clients: number;
}

/**
 * One run: the banking example under `load` from separate client processes, the transfers process
 * manager's lag sampled every 100 ms; then kill -9 right after a burst and time `/ready`.
 */
export async function runProcessManagerLoad(load: ProcessManagerLoad): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-bench-pm-'));
  let server = await startBanking(dataDir);
  try {
    for (let i = 0; i < load.accounts; i += 1) {
      await post(server.url, `/accounts/pm-${i}/commands/open-account`, { owner: `pm ${i}`, currency: 'EUR' });
      await post(server.url, `/accounts/pm-${i}/commands/deposit`, { amount: 1_000_000, currency: 'EUR' });
    }
    const lags: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        lags.push(await transfersLag(server.url));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const perClient = (rate: number) => String(rate / load.clients);
    const clients = await Promise.all(
      Array.from({ length: load.clients }, (_, i) =>
        runClient([
          server.url,
          perClient(load.transfersPerSecond),
          perClient(load.depositsPerSecond),
          String(load.seconds),
          String(load.accounts),
          `t${i}`,
        ]),
      ),
    );
    sampling = false;
    await sampler;
    const drainMs = await waitUntil(async () => (await transfersLag(server.url)) === 0, 120_000);
    const sum = (key: string) => clients.reduce((total, figures) => total + (figures[key] ?? 0), 0);
    const worst = (key: string) => Math.max(...clients.map((figures) => figures[key] ?? 0));
    const sortedLags = [...lags].sort((a, b) => a - b);
    const loadSeconds = Math.max(...clients.map((figures) => figures.seconds ?? load.seconds));

    // kill -9 in the middle of a short burst, then: how long until the server listens and until /ready?
    const burst = runClient([server.url, perClient(load.transfersPerSecond), '0', '2', String(load.accounts), 'k']);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await stop(server, 'SIGKILL');
    await burst.catch(() => undefined);
    const restartedAt = performance.now();
    server = await startBanking(dataDir);
    const listenMs = performance.now() - restartedAt;
    const readyMs =
      listenMs + (await waitUntil(async () => (await fetch(`${server.url}/ready`)).status === 200, 120_000));
    return {
      transfersPerSecond: sum('transfers') / loadSeconds,
      failed: sum('failed'),
      lagMedian: sortedLags[Math.floor(sortedLags.length / 2)] ?? 0,
      lagP99: sortedLags[Math.min(sortedLags.length - 1, Math.ceil(sortedLags.length * 0.99) - 1)] ?? 0,
      lagMax: sortedLags.at(-1) ?? 0,
      rywP99: worst('rywP99'),
      rywMax: worst('rywMax'),
      ryw503: sum('ryw503'),
      drainMs,
      listenMs,
      readyMs,
    };
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const runs = 3;

/** Issue #20: the banking example's transfers process manager kept up with at 250 transfers/s on SQLite. */
export async function processManagerSuite(): Promise<void> {
  const load = { transfersPerSecond: 250, depositsPerSecond: 100, seconds: 20, accounts: 50, clients: 2 };
  const samples: Record<string, number>[] = [];
  for (let i = 0; i < runs; i += 1) samples.push(await runProcessManagerLoad(load));
  const median = (key: string) =>
    samples.map((sample) => sample[key] ?? 0).sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
  const row = (workload: string, unit: string, key: string, target: string, higherIsBetter = false): BenchRow => ({
    workload,
    unit,
    ordo: median(key),
    higherIsBetter,
    target,
  });
  const rows: BenchRow[] = [
    row('transfers accepted', 'transfers/s', 'transfersPerSecond', '250', true),
    row('process-manager lag, median of 100 ms samples', 'positions', 'lagMedian', ''),
    row('process-manager lag, p99 of samples', 'positions', 'lagP99', '< 100'),
    row('process-manager lag, max', 'positions', 'lagMax', ''),
    row('read-your-writes GET /transfers/:id wait, p99', 'ms', 'rywP99', ''),
    row('read-your-writes wait, max', 'ms', 'rywMax', '< 1000'),
    row('read-your-writes 503 PROJECTION_BEHIND', 'queries', 'ryw503', '0'),
    row('backlog drained after the load stops', 'ms', 'drainMs', ''),
    row('kill -9 mid-burst: restart listens after', 'ms', 'listenMs', ''),
    row('kill -9 mid-burst: /ready 200 after', 'ms', 'readyMs', ''),
  ];
  printTable(
    `Process manager under load: banking example on SQLite, ${load.transfersPerSecond} transfers/s + ${load.depositsPerSecond} deposits/s on ${load.accounts} accounts from ${load.clients} client processes, ${load.seconds} s, median of ${runs} (no peer: Emmett has no process-manager runner to compare)`,
    rows,
    'peer',
  );
}
