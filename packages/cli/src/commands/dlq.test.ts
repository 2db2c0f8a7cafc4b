import { afterEach, describe, expect, it } from 'vitest';
import { type Ledger, ledgerFile, openLedger } from '../test-support/ledger-store.js';
import { runCli } from '../test-support/run-cli.js';

const files: ReturnType<typeof ledgerFile>[] = [];
afterEach(() => {
  for (const file of files.splice(0)) file.remove();
});

/** Two ledgers; ledger-1's first deposit is poisoned while seeding, so it and its later deposit park. */
async function withParked(label: string) {
  const file = ledgerFile(label);
  files.push(file);
  const ledger = openLedger(file.path);
  const deposit = (stream: string, amount: number, note?: string) =>
    ledger.store.appendToStream(stream, [
      { type: 'Deposited', data: { amount, ...(note === undefined ? {} : { note }) }, schemaVersion: 2 },
    ]);
  await ledger.store.appendToStream('ledger-0', [{ type: 'Opened', data: { owner: 'Ada' } }]);
  await ledger.store.appendToStream('ledger-1', [{ type: 'Opened', data: { owner: 'Bo' } }]);
  await deposit('ledger-0', 5); // 3
  await deposit('ledger-1', 6, 'poison'); // 4
  await deposit('ledger-1', 7); // 5, held behind 4
  process.env.ORDO_TEST_POISON = '1';
  try {
    await ledger.runner.catchUp();
  } finally {
    delete process.env.ORDO_TEST_POISON;
  }
  expect(await ledger.runner.listParked('deposits')).toHaveLength(2);
  await ledger.close();
  return file;
}

const depositIds = (ledger: Ledger) =>
  ledger.readStore.find('deposits', { limit: 100 }).then((page) => page.items.map((item) => item.id).sort());

async function inspect<T>(path: string, look: (ledger: Ledger) => Promise<T>): Promise<T> {
  const ledger = openLedger(path);
  try {
    return await look(ledger);
  } finally {
    await ledger.close();
  }
}

describe('ordo dlq', () => {
  it('lists parked events with key, event, attempts and error, as a table and as JSON', async () => {
    const file = await withParked('list');
    const table = await runCli(['dlq', 'list', 'deposits', ...file.config], file.env);
    expect(table.code).toBe(0);
    const [header, first, second] = table.stdout.trim().split('\n');
    expect(header).toMatch(/^position\s+partition\s+key\s+type\s+stream\s+attempts\s+parked at\s+error$/);
    expect(first).toMatch(/^\s+4\s+\d\s+ledger-1\s+Deposited\s+ledger-1@2\s+2\s+\S+\s+Error: poisoned deposit$/);
    expect(second).toMatch(
      /^\s+5\s+\d\s+ledger-1\s+Deposited\s+ledger-1@3\s+0\s+\S+\s+Error: Held behind an earlier parked event/,
    );
    const json = await runCli(['dlq', 'list', 'deposits', '--json', '--key', 'ledger-1', ...file.config], file.env);
    expect((JSON.parse(json.stdout) as { position: number }[]).map((entry) => entry.position)).toEqual([4, 5]);
    const otherKey = await runCli(['dlq', 'list', 'deposits', '--key', 'ledger-0', ...file.config], file.env);
    expect(otherKey.stdout.trim()).toBe('No parked events.');
  });

  it('retries parked events in order once the cause is fixed', async () => {
    const file = await withParked('retry');
    const run = await runCli(['dlq', 'retry', 'deposits', '--key', 'ledger-1', ...file.config], file.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('Retried deposits key ledger-1: 2 applied, 0 still parked');
    await inspect(file.path, async (ledger) => {
      expect(await depositIds(ledger)).toEqual(['ledger-0@2', 'ledger-1@2', 'ledger-1@3']);
      expect(await ledger.deadLetters.count('deposits_v1')).toBe(0);
    });
  });

  it('skips one parked event by position and refuses an unknown position', async () => {
    const file = await withParked('skip');
    const run = await runCli(['dlq', 'skip', 'deposits', '--position', '4', ...file.config], file.env);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('Skipped Deposited at position 4 (key ledger-1) of deposits');
    const missing = await runCli(['dlq', 'skip', 'deposits', '--position', '4', ...file.config], file.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('ordo dlq: PARKED_EVENT_NOT_FOUND: deposits has no parked event at position 4');
    await inspect(file.path, async (ledger) => {
      expect((await ledger.deadLetters.list('deposits_v1')).map((entry) => entry.position)).toEqual([5]);
      expect(await depositIds(ledger)).toEqual(['ledger-0@2']);
    });
  });

  it('refuses retry while another process has the store open (exit 4), changing nothing', async () => {
    const file = await withParked('busy');
    const server = openLedger(file.path);
    try {
      await server.store.headPosition();
      const run = await runCli(['dlq', 'retry', 'deposits', ...file.config], file.env);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/^ordo dlq: STORE_IN_USE: another process has .*ledger\.sqlite open/);
      expect(await server.deadLetters.count('deposits_v1')).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('rejects bad arguments with exit 2', async () => {
    const file = await withParked('args');
    const cases: [string[], string][] = [
      [['dlq', 'purge', 'deposits'], 'unknown dlq action "purge": list, retry or skip'],
      [['dlq', 'skip', 'deposits'], 'dlq skip needs --position <position>'],
      [['dlq', 'list', 'deposits', '--position', '3'], '--position only applies to dlq skip'],
      [['dlq', 'skip', 'deposits', '--position', 'x'], '--position must be a non-negative integer, got "x"'],
      [['dlq', 'list'], 'expected <list|retry|skip> <projection>, got "list"'],
    ];
    for (const [args, message] of cases) {
      const run = await runCli([...args, ...file.config], file.env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim()).toBe(`ordo dlq: USAGE: ${message} (see ordo dlq --help)`);
    }
  });
});
