import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerFile, openLedger } from '../test-support/ledger-store.js';
import { runCli } from '../test-support/run-cli.js';

describe('ordo stream', () => {
  const file = ledgerFile('stream');
  let secondWrittenAt = '';

  beforeAll(async () => {
    const ledger = openLedger(file.path);
    await ledger.store.appendToStream('ledger-7', [{ type: 'Opened', data: { owner: 'Ada' } }]);
    // Stored at schema v1 (`cents`): the codec upcasts it to v2 (`amount`) on read.
    const second = await ledger.store.appendToStream('ledger-7', [
      { type: 'Deposited', data: { cents: 250 }, schemaVersion: 1 },
    ]);
    secondWrittenAt = second.events[0]?.timestamp ?? '';
    // The next event must carry a later millisecond, or "as of the second" would include it.
    while (new Date().toISOString() <= secondWrittenAt) await new Promise((resolve) => setImmediate(resolve));
    await ledger.store.appendToStream('ledger-7', [{ type: 'Deposited', data: { amount: 50 }, schemaVersion: 2 }]);
    await ledger.store.appendToStream('audit-1', [{ type: 'Noted', data: { text: 'no aggregate owns me' } }]);
    await ledger.close();
  });
  afterAll(() => file.remove());

  it('prints events upcast through the aggregate codec', async () => {
    const run = await runCli(['stream', 'ledger-7', ...file.config], file.env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\s*1 {2}\S+ {2}ledger-7@1 {2}Opened v1 {2}\{"owner":"Ada"\}$/);
    expect(lines[1]).toMatch(/^\s+2 {2}\S+ {2}ledger-7@2 {2}Deposited v2 {2}\{"amount":250\}$/);
  });

  it('selects a version range and writes JSON lines', async () => {
    const run = await runCli(['stream', 'ledger-7', '--from', '2', '--to', '2', '--json', ...file.config], file.env);
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toEqual([expect.objectContaining({ streamVersion: 2, schemaVersion: 2, data: { amount: 250 } })]);
  });

  it('prints a stream no aggregate owns as stored, marked', async () => {
    const run = await runCli(['stream', 'audit-1', ...file.config], file.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('audit-1@1  Noted v1  {"text":"no aggregate owns me"}  [as stored: no aggregate]');
  });

  it('prints the aggregate state now, at a version and as of a time', async () => {
    const now = await runCli(['stream', 'ledger-7', '--state', '--json', ...file.config], file.env);
    expect(JSON.parse(now.stdout)).toEqual({
      streamId: 'ledger-7',
      aggregate: 'Ledger',
      streamVersion: 3,
      state: { owner: 'Ada', balance: 300 },
    });
    const atVersion = await runCli(['stream', 'ledger-7', '--state', '--at', '2', ...file.config], file.env);
    expect(atVersion.code).toBe(0);
    expect(atVersion.stdout).toBe(
      'Ledger ledger-7 at version 2 (stream version 2):\n{\n  "owner": "Ada",\n  "balance": 250\n}\n',
    );
    const asOf = await runCli(
      ['stream', 'ledger-7', '--state', '--at', secondWrittenAt, '--json', ...file.config],
      file.env,
    );
    expect(JSON.parse(asOf.stdout)).toMatchObject({ streamVersion: 2, asOf: secondWrittenAt, state: { balance: 250 } });
  });

  it('fails with a typed code for a missing stream, an unowned state, or a time before the stream', async () => {
    const missing = await runCli(['stream', 'ledger-404', ...file.config], file.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('ordo stream: STREAM_NOT_FOUND: Stream ledger-404 has no events');
    const unowned = await runCli(['stream', 'audit-1', '--state', ...file.config], file.env);
    expect(unowned.code).toBe(1);
    expect(unowned.stderr.trim()).toBe(
      'ordo stream: NO_AGGREGATE: No aggregate in the config owns audit-1 (stream prefixes: ledger-)',
    );
    const early = await runCli(
      ['stream', 'ledger-7', '--state', '--at', '2000-01-01T00:00:00Z', ...file.config],
      file.env,
    );
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^ordo stream: NO_STATE_AT: ledger-7 has no events at or before/);
  });

  it('rejects bad arguments with exit 2', async () => {
    const cases: [string[], string][] = [
      [
        ['stream', 'ledger-7', '--state', '--at', 'yesterday'],
        '--at must be a stream version or an ISO-8601 time, got "yesterday"',
      ],
      [['stream', 'ledger-7', '--at', '2'], '--at needs --state'],
      [['stream', 'ledger-7', '--state', '--from', '1'], '--from/--to select events; with --state use --at'],
      [['stream', 'ledger-7', '--from', 'one'], '--from must be a non-negative integer, got "one"'],
      [['stream'], 'expected <streamId>, got none'],
    ];
    for (const [args, message] of cases) {
      const run = await runCli([...args, ...file.config], file.env);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim()).toBe(`ordo stream: USAGE: ${message} (see ordo stream --help)`);
    }
  });
});
