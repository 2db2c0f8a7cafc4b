import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Ledger, ledgerFile, openLedger } from '../test-support/ledger-store.js';
import { startCli } from '../test-support/run-cli.js';

describe('ordo tail', () => {
  const file = ledgerFile('tail');
  let ledger: Ledger;

  beforeAll(async () => {
    ledger = openLedger(file.path);
    await ledger.store.appendToStream('ledger-1', [{ type: 'Opened', data: { owner: 'Ada' } }]);
  });
  afterAll(async () => {
    await ledger.close();
    file.remove();
  });

  const deposit = (stream: string, amount: number) =>
    ledger.store.appendToStream(stream, [{ type: 'Deposited', data: { amount }, schemaVersion: 2 }]);

  it('follows new events from another process, filtered by type and stream prefix, until SIGTERM', async () => {
    const tail = startCli(['tail', '--type', 'Deposited', '--prefix', 'ledger-', ...file.config], file.env);
    await tail.waitFor('stderr', /Following events after position 1 \(Ctrl-C to stop\)/);
    await ledger.store.appendToStream('ledger-2', [{ type: 'Opened', data: { owner: 'Bo' } }]); // wrong type
    await ledger.store.appendToStream('other-1', [{ type: 'Deposited', data: { amount: 1 }, schemaVersion: 2 }]); // wrong prefix
    await deposit('ledger-1', 42);
    await tail.waitFor('stdout', /ledger-1@2 {2}Deposited v2 {2}\{"amount":42\}\n/);
    tail.child.kill('SIGTERM');
    const run = await tail.exited;
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toMatch(/^\s+4 {2}\S+ {2}ledger-1@2/);
    expect(run.stderr).toMatch(/Stopped\.\n$/);
  });

  it('writes JSON lines from a given position and stops on Ctrl-C', async () => {
    const tail = startCli(['tail', '--from', '0', '--json', '--type', 'Opened', ...file.config], file.env);
    await tail.waitFor('stderr', /Following events after position 0/);
    await tail.waitFor('stdout', /"streamId":"ledger-2"/);
    tail.child.kill('SIGINT');
    const run = await tail.exited;
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { streamId: string; type: string });
    expect(events.map((event) => [event.streamId, event.type])).toEqual([
      ['ledger-1', 'Opened'],
      ['ledger-2', 'Opened'],
    ]);
  });

  it('rejects positionals and a bad --from with exit 2', async () => {
    const extra = await startCli(['tail', 'ledger-1', ...file.config], file.env).exited;
    expect(extra.code).toBe(2);
    expect(extra.stderr.trim()).toBe(
      'ordo tail: USAGE: tail takes no arguments, got "ledger-1" (see ordo tail --help)',
    );
    const from = await startCli(['tail', '--from', 'start', ...file.config], file.env).exited;
    expect(from.code).toBe(2);
  });
});
