import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createStoreEventSource, type ProcessDocument } from '@ordo/projections';
import { createTransferWorld } from '@ordo/projections/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from './database.js';
import { createSqliteDeadLetterStore } from './dead-letter-store.js';
import { createSqliteDeadlineStore } from './deadline-store.js';
import { createSqliteEventStore } from './event-store.js';
import { createSqliteReadStore } from './read-store.js';
import { createTempDir } from './test-support/temp-dir.js';

const dir = createTempDir('process-manager');
afterAll(() => dir.remove());
const child = fileURLToPath(new URL('./test-support/process-manager-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
let files = 0;

/** Runs the child process manager once; resolves 'killed' (it hit its crash point) or its final document. */
function runChild(
  path: string,
  processId: string,
  crash: string,
  timeoutMs?: number,
): Promise<'killed' | { document: ProcessDocument | undefined }> {
  const args = [path, processId, crash, ...(timeoutMs === undefined ? [] : [String(timeoutMs)])];
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, ['--import', 'tsx', '--conditions=@ordo/source', child, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    process_.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    process_.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    process_.on('error', reject);
    process_.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && output.includes('"done"')) resolve(JSON.parse(output.trim().split('\n').at(-1) as string));
      else reject(new Error(`child exited ${code}: ${errors}`));
    });
  });
}

/** A fresh file with accounts a (1,000) and b (0, closed when `closeTarget`), and one transfer of 300. */
async function seed(options: { closeTarget?: boolean; confirmTimeoutMs?: number } = {}) {
  files += 1;
  const path = dir.file(`pm-${files}.db`);
  const w = await open(path, options.confirmTimeoutMs);
  await w.accounts.handle('a', { type: 'Open', data: { balance: 1_000 } });
  await w.accounts.handle('b', { type: 'Open', data: { balance: 0 } });
  if (options.closeTarget === true) await w.accounts.handle('b', { type: 'Close', data: {} });
  const processId = await w.request('a', 'b', 300);
  w.close();
  return { path, processId };
}

async function open(path: string, confirmTimeoutMs?: number) {
  const database = openSqliteDatabase({ path, synchronous: 'normal' });
  const store = createSqliteEventStore({ database });
  const deadlines = createSqliteDeadlineStore({ database });
  const deadLetters = createSqliteDeadLetterStore({ database });
  const world = createTransferWorld({
    store,
    readStore: createSqliteReadStore({ database }),
    deadLetters,
    deadlines,
    source: createStoreEventSource(store),
    ...(confirmTimeoutMs === undefined ? {} : { confirmTimeoutMs }),
  });
  return { ...world, store, deadlines, deadLetters, close: () => database.close() };
}

/** What a run left behind: the status, its history, every account stream's size and the balances. */
async function outcome(path: string, processId: string) {
  const w = await open(path);
  const state = await w.manager.load(processId);
  const result = {
    status: state.status,
    history: state.history.map((entry) => `${entry.type}:${entry.step ?? ''}`),
    events: { a: await w.eventCount('a'), b: await w.eventCount('b') },
    balances: { a: await w.balance('a'), b: await w.balance('b') },
    parked: await w.deadLetters.count('transfer_v1'),
  };
  w.close();
  return result;
}

const scenarios = [
  // Debit, credit: 2 effects; Started, StepSucceeded x2, Completed: 4 process appends.
  { name: 'a completed transfer', closeTarget: false, effects: 2, records: 4, status: 'completed' },
  // Debit, rejected credit, refund: 3 effects; Started, StepSucceeded, StepFailed, CompensationSucceeded, Compensated.
  { name: 'a compensated transfer', closeTarget: true, effects: 3, records: 5, status: 'compensated' },
];

describe('process manager on SQLite across kill -9', () => {
  for (const scenario of scenarios) {
    describe(scenario.name, () => {
      let reference: Awaited<ReturnType<typeof outcome>> | undefined;
      beforeAll(async () => {
        const { path, processId } = await seed({ closeTarget: scenario.closeTarget });
        if ((await runChild(path, processId, 'none')) !== 'killed') reference = await outcome(path, processId);
      }, 30_000);

      it('runs to its end state without a crash', () => {
        expect(reference?.status).toBe(scenario.status);
        expect(reference?.parked).toBe(0);
        expect((reference?.balances.a ?? 0) + (reference?.balances.b ?? 0)).toBe(1_000);
      });

      const points = [
        ...Array.from({ length: scenario.effects }, (_, k) => `effect:${k + 1}`),
        ...Array.from({ length: scenario.records }, (_, k) => `record:${k + 1}`),
      ];
      it.each(points)('converges to the same end state after a kill at %s', { timeout: 30_000 }, async (point) => {
        const { path, processId } = await seed({ closeTarget: scenario.closeTarget });
        expect(await runChild(path, processId, point)).toBe('killed');
        const restarted = await runChild(path, processId, 'none');
        expect(restarted).toMatchObject({ document: { status: scenario.status } });
        const after = await outcome(path, processId);
        expect(after).toEqual(reference);
        expect(after.balances.a + after.balances.b).toBe(1_000);
      });
    });
  }

  it('fires a deadline that passed while the process was down, then compensates', { timeout: 30_000 }, async () => {
    const confirmTimeoutMs = 400;
    const { path, processId } = await seed({ confirmTimeoutMs });
    const first = await runChild(path, processId, 'none', confirmTimeoutMs);
    expect(first).toMatchObject({ document: { status: 'awaiting', stepName: 'confirm' } });
    const w = await open(path, confirmTimeoutMs);
    const [deadline] = await w.deadlines.list('transfer', processId);
    w.close();
    if (deadline === undefined) throw new Error('the deadline was not stored');
    // Down until the deadline has passed (a wait on the stored due time, not a guessed sleep).
    while (Date.now() <= Date.parse(deadline.dueAt)) await new Promise((r) => setTimeout(r, 20));
    const restarted = await runChild(path, processId, 'none', confirmTimeoutMs);
    expect(restarted).toMatchObject({ document: { status: 'compensated', failure: { step: 2, reason: 'timeout' } } });
    const after = await outcome(path, processId);
    expect(after.history.slice(-4)).toEqual([
      'DeadlineExpired:2',
      'CompensationSucceeded:1',
      'CompensationSucceeded:0',
      'ProcessCompensated:',
    ]);
    expect(after.balances).toEqual({ a: 1_000, b: 0 });
    expect(after.events).toEqual({ a: 3, b: 3 });
    const check = await open(path);
    expect(await check.deadlines.list('transfer')).toEqual([]);
    check.close();
  });
});
