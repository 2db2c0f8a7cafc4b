import { type CommandHandler, createInMemoryEventStore, type EventStore } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import { createInMemoryDeadLetterStore } from '../in-memory-dead-letter-store.js';
import { createInMemoryReadStore } from '../in-memory-read-store.js';
import { isStreamKeyed } from '../projection.js';
import { createStoreEventSource } from '../store-event-source.js';
import { type account, createTransferWorld, type TransferWorldOptions } from '../testing/transfer-saga.js';
import { createDeadlineScheduler } from './deadline-scheduler.js';
import { createInMemoryDeadlineStore } from './in-memory-deadline-store.js';

function world(options: Partial<TransferWorldOptions> = {}) {
  const store = options.store ?? createInMemoryEventStore();
  const deadlines = options.deadlines ?? createInMemoryDeadlineStore();
  const deadLetters = createInMemoryDeadLetterStore();
  const built = createTransferWorld({
    store,
    readStore: createInMemoryReadStore(),
    deadLetters,
    deadlines,
    source: createStoreEventSource(store),
    ...options,
  });
  return { ...built, store, deadlines, deadLetters };
}

async function open(accounts: CommandHandler<typeof account>, id: string, balance: number) {
  await accounts.handle(id, { type: 'Open', data: { balance } });
}

const historyOf = (doc: { history: readonly { type: string; step?: number }[] } | undefined) =>
  doc?.history.map((entry) => (entry.step === undefined ? entry.type : `${entry.type}:${entry.step}`));

async function processStream(store: EventStore, processId: string): Promise<string[]> {
  const types: string[] = [];
  for await (const event of store.readStream(`process-transfer-${processId}`)) types.push(event.type);
  return types;
}

describe('process manager (transfer saga)', () => {
  it('debits the source, credits the target and completes', async () => {
    const w = world();
    await open(w.accounts, 'a', 1_000);
    await open(w.accounts, 'b', 0);
    const id = await w.request('a', 'b', 300);
    const doc = await w.settle(id);
    expect(doc).toMatchObject({ status: 'completed', processId: id, data: { from: 'a', to: 'b', amount: 300 } });
    expect(historyOf(doc)).toEqual(['ProcessStarted', 'StepSucceeded:0', 'StepSucceeded:1', 'ProcessCompleted']);
    expect([await w.balance('a'), await w.balance('b')]).toEqual([700, 300]);
    expect([await w.eventCount('a'), await w.eventCount('b')]).toEqual([2, 2]);
    expect((await w.manager.load(id)).status).toBe('completed');
  });

  it('acts on the transitions it records without waiting for the feed to bring each back', async () => {
    const w = world();
    await open(w.accounts, 'a', 1_000);
    await open(w.accounts, 'b', 0);
    const id = await w.request('a', 'b', 300);
    // One pass over the feed as it stood: only the transfer request was in it.
    await w.runner.catchUp();
    expect(await processStream(w.store, id)).toEqual([
      'ProcessStarted',
      'StepSucceeded',
      'StepSucceeded',
      'ProcessCompleted',
    ]);
    // The later deliveries of its own events change nothing: no command is sent twice.
    expect(await w.settle(id)).toMatchObject({ status: 'completed' });
    expect([await w.eventCount('a'), await w.eventCount('b')]).toEqual([2, 2]);
  });

  it('is keyed by process id, so a source keyed by stream id cannot feed it', () => {
    expect(isStreamKeyed(world().manager.projection)).toBe(false);
  });

  it("tags every command it sends with the starting request's correlation id and a derived command id", async () => {
    const w = world();
    await open(w.accounts, 'a', 50);
    await open(w.accounts, 'b', 0);
    const id = await w.request('a', 'b', 20);
    await w.settle(id);
    const correlations = new Map<string, unknown>();
    for await (const event of w.store.readAll()) correlations.set(event.type, event.metadata.correlationId);
    const withdrawn = [];
    for await (const event of w.store.readStream('account-a'))
      if (event.type === 'MoneyWithdrawn') withdrawn.push(event);
    expect(withdrawn).toHaveLength(1);
    const requested = [...correlations].find(([type]) => type.endsWith('Requested'))?.[1];
    expect(requested).toEqual(expect.any(String));
    expect(withdrawn[0]?.metadata.correlationId).toBe(requested);
    expect(correlations.get('MoneyDeposited')).toBe(requested);
    expect(withdrawn[0]?.metadata.commandId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('ends rejected, with nothing to compensate, when the first step is rejected', async () => {
    const w = world();
    await open(w.accounts, 'a', 100);
    await open(w.accounts, 'b', 0);
    const id = await w.request('a', 'b', 300);
    const doc = await w.settle(id);
    expect(doc).toMatchObject({
      status: 'rejected',
      stepName: 'debit',
      failure: { step: 0, reason: 'rejected', code: 'INSUFFICIENT_FUNDS' },
    });
    expect(historyOf(doc)).toEqual(['ProcessStarted', 'StepFailed:0', 'ProcessCompensated']);
    expect([await w.eventCount('a'), await w.eventCount('b')]).toEqual([1, 1]);
  });

  it('refunds the debit when the credit is rejected', async () => {
    const w = world();
    await open(w.accounts, 'a', 1_000);
    await open(w.accounts, 'b', 0);
    await w.accounts.handle('b', { type: 'Close', data: {} });
    const id = await w.request('a', 'b', 300);
    const doc = await w.settle(id);
    expect(doc).toMatchObject({
      status: 'compensated',
      failure: { step: 1, reason: 'rejected', code: 'ACCOUNT_CLOSED' },
    });
    expect(historyOf(doc)).toEqual([
      'ProcessStarted',
      'StepSucceeded:0',
      'StepFailed:1',
      'CompensationSucceeded:0',
      'ProcessCompensated',
    ]);
    expect(await w.balance('a')).toBe(1_000);
    expect(await w.eventCount('a')).toBe(3);
  });

  it('compensates once a step exhausts its retries on a non-domain failure', async () => {
    let attempts = 0;
    const w = world({
      wrapAccounts: (accounts) => ({
        ...accounts,
        handle(id, command, options) {
          if (id === 'b' && command.type === 'Deposit') {
            attempts += 1;
            return Promise.reject(new Error('target unavailable'));
          }
          return accounts.handle(id, command, options);
        },
      }),
    });
    await open(w.accounts, 'a', 1_000);
    await open(w.accounts, 'b', 0);
    const id = await w.request('a', 'b', 300);
    const doc = await w.settle(id);
    expect(doc).toMatchObject({
      status: 'compensated',
      failure: { step: 1, reason: 'exhausted', message: 'target unavailable' },
    });
    expect(attempts).toBe(3);
    expect(await w.balance('a')).toBe(1_000);
  });

  it('applies a command once when it succeeded but its caller saw a failure (lost reply)', async () => {
    let lost = false;
    const w = world({
      wrapAccounts: (accounts) => ({
        ...accounts,
        async handle(id, command, options) {
          const result = await accounts.handle(id, command, options);
          if (command.type === 'Deposit' && !lost) {
            lost = true;
            throw new Error('connection reset after commit');
          }
          return result;
        },
      }),
    });
    await open(w.accounts, 'a', 1_000);
    await open(w.accounts, 'b', 0);
    const id = await w.request('a', 'b', 300);
    expect(await w.settle(id)).toMatchObject({ status: 'completed' });
    expect(lost).toBe(true);
    expect([await w.eventCount('b'), await w.balance('b')]).toEqual([2, 300]);
  });

  it('re-delivering every event from position 0 sends no command again', async () => {
    const w = world({ confirmTimeoutMs: 60_000 });
    await open(w.accounts, 'a', 1_000);
    await open(w.accounts, 'b', 0);
    await w.accounts.handle('b', { type: 'Close', data: {} });
    const id = await w.request('a', 'b', 300);
    expect(await w.settle(id)).toMatchObject({ status: 'compensated' });
    // Reopened: a rejected credit decided again would now succeed, so only the recorded outcome prevents it.
    await open(w.accounts, 'b', 0);
    const head = await w.store.headPosition();
    // A second runner with empty checkpoints replays the whole history through the same manager.
    const replay = world({ store: w.store, deadlines: w.deadlines, confirmTimeoutMs: 60_000 });
    expect(await replay.settle(id)).toMatchObject({ status: 'compensated' });
    expect(await w.store.headPosition()).toBe(head);
    expect([await w.eventCount('a'), await w.balance('a')]).toEqual([3, 1_000]);
    expect([await w.eventCount('b'), await w.balance('b')]).toEqual([3, 0]);
  });

  it('completes an awaiting step when the awaited event arrives before its deadline, and drops the deadline', async () => {
    const w = world({ confirmTimeoutMs: 60_000 });
    await open(w.accounts, 'a', 1_000);
    await open(w.accounts, 'b', 0);
    const id = await w.request('a', 'b', 300);
    const awaiting = await w.settle(id);
    expect(awaiting).toMatchObject({ status: 'awaiting', stepName: 'confirm' });
    expect(await w.deadlines.list('transfer', id)).toHaveLength(1);
    const transferStream = (await w.manager.load(id)).history.length;
    expect(transferStream).toBe(4);
    await confirm(w.store, id);
    const doc = await w.settle(id);
    expect(doc).toMatchObject({ status: 'completed', deadlineAt: null });
    expect(await w.deadlines.list('transfer', id)).toEqual([]);
    // Replaying the history does not schedule the long-settled deadline again.
    const replay = world({ store: w.store, deadlines: w.deadlines, confirmTimeoutMs: 60_000 });
    expect(await replay.settle(id)).toMatchObject({ status: 'completed' });
    expect(await w.deadlines.list('transfer', id)).toEqual([]);
  });

  it('compensates in reverse order when a deadline expires', async () => {
    const w = world({ confirmTimeoutMs: 60_000 });
    const scheduler = createDeadlineScheduler({ deadlines: w.deadlines, processManagers: [w.manager] });
    await open(w.accounts, 'a', 1_000);
    await open(w.accounts, 'b', 0);
    const id = await w.request('a', 'b', 300);
    await w.settle(id);
    expect(await scheduler.fireDue(new Date())).toBe(0);
    expect(await scheduler.fireDue(new Date(Date.now() + 61_000))).toBe(1);
    const doc = await w.settle(id);
    expect(doc).toMatchObject({ status: 'compensated', failure: { step: 2, reason: 'timeout' } });
    expect(historyOf(doc)).toEqual([
      'ProcessStarted',
      'StepSucceeded:0',
      'StepSucceeded:1',
      'StepAwaiting:2',
      'DeadlineExpired:2',
      'CompensationSucceeded:1',
      'CompensationSucceeded:0',
      'ProcessCompensated',
    ]);
    expect([await w.balance('a'), await w.balance('b')]).toEqual([1_000, 0]);
    // A late confirmation and a second firing change nothing.
    await confirm(w.store, id);
    await w.manager.expire({
      id: 'again',
      processName: 'transfer',
      processId: id,
      step: 2,
      dueAt: new Date().toISOString(),
    });
    expect(historyOf(await w.settle(id))).toHaveLength(8);
  });

  it('stops in needs-attention and parks the event when a compensation fails', async () => {
    const w = world({ confirmTimeoutMs: 60_000 });
    await open(w.accounts, 'a', 1_000);
    await open(w.accounts, 'b', 0);
    const id = await w.request('a', 'b', 300);
    await w.settle(id);
    // The target spends the credit before the deadline, so taking it back is rejected.
    await w.accounts.handle('b', { type: 'Withdraw', data: { amount: 300 } });
    const [deadline] = await w.deadlines.list('transfer', id);
    if (deadline === undefined) throw new Error('no deadline stored');
    await w.manager.expire(deadline);
    const doc = await w.settle(id);
    expect(doc).toMatchObject({
      status: 'needs-attention',
      failure: { step: 1, reason: 'compensation-failed', code: 'INSUFFICIENT_FUNDS' },
    });
    expect(historyOf(doc)?.slice(-2)).toEqual(['DeadlineExpired:2', 'CompensationFailed:1']);
    // The debit is not refunded behind a failed compensation: an operator decides.
    expect(await w.balance('a')).toBe(700);
    expect(await processStream(w.store, id)).not.toContain('ProcessCompensated');
    const status = await w.runner.status('transfer');
    expect(status.parked).toBe(1);
    const [parked] = await w.runner.listParked('transfer');
    expect(parked?.partitionKey).toBe(id);
    expect(parked?.event.type).toBe('CompensationFailed');
    expect(parked?.error.code).toBe('PROCESS_NEEDS_ATTENTION');

    // An operator refills the target, resumes the process and releases its parked events.
    await w.accounts.handle('b', { type: 'Deposit', data: { amount: 300 } });
    expect((await w.manager.resume(id)).status).toBe('compensating');
    await w.settle(id);
    expect(await w.runner.retryParked('transfer', { partitionKey: id })).toMatchObject({ stillParked: 0 });
    const resumed = await w.settle(id);
    expect(resumed).toMatchObject({ status: 'compensated' });
    expect(historyOf(resumed)?.slice(-4)).toEqual([
      'ProcessResumed',
      'CompensationSucceeded:1',
      'CompensationSucceeded:0',
      'ProcessCompensated',
    ]);
    // b: +300 credit, -300 spent, +300 refill, -300 taken back.
    expect([await w.balance('a'), await w.balance('b')]).toEqual([1_000, 0]);
    expect((await w.runner.status('transfer')).parked).toBe(0);
  });

  it('refuses to resume a process that does not need attention', async () => {
    const w = world();
    await open(w.accounts, 'a', 1_000);
    await open(w.accounts, 'b', 0);
    const id = await w.request('a', 'b', 300);
    await w.settle(id);
    const head = await w.store.headPosition();
    expect((await w.manager.resume(id)).status).toBe('completed');
    expect(await w.store.headPosition()).toBe(head);
  });

  it('rejects trigger data that fails the process schema by parking the trigger', async () => {
    const w = world();
    await open(w.accounts, 'a', 1_000);
    const id = await w.request('a', 'b', 0).catch((error: unknown) => error);
    // The transfer aggregate's own schema already rejects it; a hand-written event reaches the manager.
    expect(id).toBeInstanceOf(Error);
    await w.store.appendToStream('transfer-x', [
      { type: 'TransferRequested', data: { transferId: 't-x', from: 'a', to: 'b', amount: -5 } },
    ]);
    expect(await w.settle('t-x')).toBeUndefined();
    const [parked] = await w.runner.listParked('transfer');
    expect(parked?.error.code).toBe('INVALID_PROCESS_DATA');
  });
});

async function confirm(store: EventStore, transferId: string): Promise<void> {
  await store.appendToStream(`transfer-confirm-${transferId}`, [{ type: 'TransferConfirmed', data: { transferId } }]);
}
