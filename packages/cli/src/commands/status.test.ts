import { partitionFor } from '@ordo/projections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balances } from '../test-support/ledger-domain.js';
import { ledgerFile, openLedger, seedLedgers } from '../test-support/ledger-store.js';
import { runCli } from '../test-support/run-cli.js';

describe('ordo status', () => {
  const file = ledgerFile('status');
  let behindPartition = -1;

  beforeAll(async () => {
    const ledger = openLedger(file.path);
    await seedLedgers(ledger, 6, 30);
    await ledger.runner.catchUp();
    // Written after the runner stopped: exactly one partition of each projection is behind.
    const appended = await ledger.store.appendToStream('ledger-late', [{ type: 'Opened', data: { owner: 'late' } }]);
    expect(appended.position).toBe(37);
    behindPartition = partitionFor('ledger-late', balances.partitions);
    await ledger.close();
  });
  afterAll(() => file.remove());

  it('prints every projection with version, state, lag per partition and parked events', async () => {
    const run = await runCli(['status', ...file.config], file.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Store head: position 37');
    const lines = run.stdout.split('\n');
    expect(lines.find((line) => line.startsWith('projection'))).toMatch(/kind\s+version\s+live\s+state\s+lag\s+parked/);
    const row = lines.find((line) => line.startsWith('balances')) ?? '';
    expect(row).toMatch(/^balances\s+projection\s+v1\s+balances_v1\s+behind\s+1\s+0\s/);
    for (let p = 0; p < 3; p += 1) expect(row).toContain(`p${p}:${p === behindPartition ? 1 : 0}`);
    // `deposits` does not handle Opened: the late event leaves it caught up.
    expect(lines.find((line) => line.startsWith('deposits'))).toMatch(/deposits_v1\s+caught-up\s+0\s+0\s+p0:0 p1:0$/);
  });

  it('answers --json with per-partition checkpoints, reached positions and lag', async () => {
    const run = await runCli(['status', '--json', ...file.config], file.env);
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as {
      headPosition: number;
      projections: {
        name: string;
        state: string;
        lag: number;
        partitions: { partition: number; lag: number; reached: number }[];
      }[];
    };
    expect(parsed.headPosition).toBe(37);
    const report = parsed.projections.find((projection) => projection.name === 'balances');
    expect(report?.state).toBe('behind');
    expect(report?.partitions).toHaveLength(3);
    expect(report?.partitions.find((p) => p.partition === behindPartition)).toMatchObject({ lag: 1, reached: 36 });
  });

  it('limits the report to one projection and refuses an unknown one with exit 1', async () => {
    const one = await runCli(['status', 'deposits', ...file.config], file.env);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('deposits');
    expect(one.stdout).not.toContain('balances');
    const unknown = await runCli(['status', 'nope', ...file.config], file.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trim()).toBe(
      'ordo status: UNKNOWN_PROJECTION: No projection or process manager named nope (known: balances, deposits)',
    );
  });
});
