import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { type BenchRow, printTable } from '../harness.js';

const serverScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'http-server-child.ts');
const documents = 1000;
const runs = 3;
const durationSeconds = 8;

async function startServerChild(mode: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@ordo/source', serverScript, mode, String(documents)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  for await (const chunk of child.stdout ?? []) {
    output += String(chunk);
    const ready = /READY (\d+)/.exec(output);
    if (ready) return { child, port: Number(ready[1]) };
  }
  throw new Error(`${mode} server exited before listening`);
}

/** Mean requests/s of one autocannon run of GET /accounts/:id over random existing ids. */
async function load(port: number): Promise<{ rps: number; errors: number }> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 50,
    pipelining: 1,
    duration: durationSeconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: `/accounts/acc-${Math.floor(Math.random() * documents)}` }),
      },
    ],
  });
  return { rps: result.requests.average, errors: result.errors + result.non2xx };
}

async function measure(mode: string): Promise<{ rps: number; errors: number }> {
  const { child, port } = await startServerChild(mode);
  try {
    await load(port); // warm-up: JIT and connection setup
    return await load(port);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

/** Issue #5: GET by id through Ordo's query route against a bare hono route over a Map, same run. */
export async function httpQuerySuite(modes: readonly string[] = ['ordo-memory', 'ordo-sqlite']): Promise<void> {
  const rows: BenchRow[] = [];
  for (const mode of modes) {
    const bare: number[] = [];
    const ordo: number[] = [];
    let errors = 0;
    // Alternate the two servers so drift on the machine falls on both alike.
    for (let i = 0; i < runs; i += 1) {
      const baseline = await measure('bare');
      const measured = await measure(mode);
      bare.push(baseline.rps);
      ordo.push(measured.rps);
      errors += baseline.errors + measured.errors;
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    rows.push({
      workload: `GET /accounts/:id (${mode.replace('ordo-', '')} read store) vs bare hono + Map`,
      unit: 'requests/s',
      higherIsBetter: true,
      target: '>= 0.90x of bare',
      ordo: median(ordo),
      peer: median(bare),
      note: `50 connections, ${durationSeconds}s after a warm-up, median of ${runs}; errors or non-2xx: ${errors}.`,
    });
  }
  printTable('HTTP queries: Ordo query route vs a bare hono route over a Map', rows, 'bare hono');
}
