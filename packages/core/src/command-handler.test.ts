import { describe, expect, it, vi } from 'vitest';
import { createCommandHandler } from './command-handler.js';
import { CommandValidationError, ConcurrencyError, DomainError } from './errors.js';
import type { RecordedEvent } from './event.js';
import type { EventStore, ReadStreamOptions } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-event-store.js';
import { createInMemorySnapshotStore } from './in-memory-snapshot-store.js';
import { snapshotEvery } from './snapshot-policy.js';
import type { SnapshotStore } from './snapshot-store.js';
import { bankAccount } from './test-support/bank-account.js';

async function readAllOf(store: EventStore, streamId: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(streamId)) events.push(event);
  return events;
}

/** Observes the real in-memory store's reads and conflicts without changing them. */
function observed(store: EventStore) {
  const reads: ReadStreamOptions[] = [];
  let conflicts = 0;
  let eventsRead = 0;
  const wrapped: EventStore = {
    ...store,
    async appendToStream(...args) {
      try {
        return await store.appendToStream(...args);
      } catch (error) {
        if (error instanceof ConcurrencyError) conflicts += 1;
        throw error;
      }
    },
    async *readStream(streamId, options = {}) {
      reads.push(options);
      for await (const event of store.readStream(streamId, options)) {
        eventsRead += 1;
        yield event;
      }
    },
  };
  return {
    store: wrapped,
    reads,
    conflicts: () => conflicts,
    eventsRead: () => eventsRead,
    resetEventsRead: () => {
      eventsRead = 0;
    },
  };
}

const open = { type: 'Open', data: { owner: 'ada' } } as const;
const deposit = (amount: number) => ({ type: 'Deposit', data: { amount } }) as const;

describe('command handler', () => {
  it('loads, decides and appends, returning version, position and state', async () => {
    const store = createInMemoryEventStore();
    const accounts = createCommandHandler(bankAccount, { store });
    await accounts.handle('1', open);
    const result = await accounts.handle('1', deposit(50));
    expect(result).toMatchObject({ streamId: 'account-1', streamVersion: 2, position: 2, deduplicated: false });
    expect(result.state.balance).toBe(50);
    expect(result.events.map((e) => e.type)).toEqual(['MoneyDeposited']);
  });

  it('surfaces domain rejections and invalid payloads without writing', async () => {
    const store = createInMemoryEventStore();
    const accounts = createCommandHandler(bankAccount, { store });
    await expect(accounts.handle('1', deposit(5))).rejects.toMatchObject({ code: 'ACCOUNT_NOT_OPEN' });
    await expect(accounts.handle('1', deposit(5))).rejects.toBeInstanceOf(DomainError);
    await expect(accounts.handle('1', { type: 'Deposit', data: { amount: 0 } })).rejects.toBeInstanceOf(
      CommandValidationError,
    );
    expect(await store.headPosition()).toBe(0);
  });

  it('converges under concurrent handlers on one stream: every command lands once, versions stay gap-free', async () => {
    const seen = observed(createInMemoryEventStore());
    const accounts = createCommandHandler(bankAccount, {
      store: seen.store,
      retry: { maxAttempts: 100, maxDelayMs: 5 },
    });
    await accounts.handle('1', open);
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => accounts.handle('1', deposit(i + 1))));
    const events = await readAllOf(seen.store, 'account-1');
    expect(seen.conflicts()).toBeGreaterThan(0);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.streamVersion)).size).toBe(25);
    const amounts = events.slice(1).map((e) => (e.data as { amount: number }).amount);
    expect(amounts.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect((await accounts.load('1')).state.balance).toBe((25 * 26) / 2);
  });

  it('lets exactly one writer win per version when the caller pins the expected version', async () => {
    const store = createInMemoryEventStore();
    const accounts = createCommandHandler(bankAccount, { store });
    await accounts.handle('1', open);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => accounts.handle('1', deposit(1), { expectedVersion: 1 })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof ConcurrencyError)).toHaveLength(5);
  });

  it('checks a pinned expected version before deciding', async () => {
    const store = createInMemoryEventStore();
    const accounts = createCommandHandler(bankAccount, { store });
    await accounts.handle('1', open);
    await expect(
      accounts.handle('1', { type: 'Withdraw', data: { amount: 1000 } }, { expectedVersion: 7 }),
    ).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', expected: 7, actual: 1 });
  });

  it('gives up after the bounded number of attempts', async () => {
    const store = createInMemoryEventStore();
    const alwaysConflicting: EventStore = {
      ...store,
      appendToStream: async (streamId) => {
        throw new ConcurrencyError(streamId, 0, 1);
      },
    };
    const accounts = createCommandHandler(bankAccount, {
      store: alwaysConflicting,
      retry: { maxAttempts: 3, maxDelayMs: 1 },
    });
    const append = vi.spyOn(alwaysConflicting, 'appendToStream');
    await expect(accounts.handle('1', open)).rejects.toBeInstanceOf(ConcurrencyError);
    expect(append).toHaveBeenCalledTimes(3);
  });

  it('returns the earlier result for a repeated command id without deciding again', async () => {
    const store = createInMemoryEventStore();
    const accounts = createCommandHandler(bankAccount, { store });
    await accounts.handle('1', open);
    const first = await accounts.handle('1', deposit(10), { commandId: 'cmd-1' });
    await accounts.handle('1', deposit(1));
    const again = await accounts.handle('1', deposit(10), { commandId: 'cmd-1' });
    expect(again).toMatchObject({ deduplicated: true, streamVersion: first.streamVersion, position: first.position });
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect((await readAllOf(store, 'account-1')).length).toBe(3);
  });

  it('deduplicates a command id hidden behind a snapshot', async () => {
    const store = createInMemoryEventStore();
    const accounts = createCommandHandler(bankAccount, {
      store,
      snapshots: { store: createInMemorySnapshotStore(), policy: snapshotEvery(1) },
    });
    await accounts.handle('1', open);
    await accounts.handle('1', deposit(10), { commandId: 'cmd-1' });
    await accounts.handle('1', deposit(1));
    await accounts.flush();
    const again = await accounts.handle('1', deposit(10), { commandId: 'cmd-1' });
    expect(again).toMatchObject({ deduplicated: true, streamVersion: 2 });
    expect((await readAllOf(store, 'account-1')).length).toBe(3);
  });

  it('applies a command id once when it races itself', async () => {
    const store = createInMemoryEventStore();
    const accounts = createCommandHandler(bankAccount, { store });
    await accounts.handle('1', open);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => accounts.handle('1', deposit(10), { commandId: 'dup' })),
    );
    expect((await readAllOf(store, 'account-1')).length).toBe(2);
    expect(new Set(results.map((r) => r.position))).toEqual(new Set([2]));
  });

  it('tells exactly one of the racing copies that it wrote', async () => {
    const store = createInMemoryEventStore();
    const accounts = createCommandHandler(bankAccount, { store });
    await accounts.handle('1', open);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => accounts.handle('1', deposit(10), { commandId: 'dup' })),
    );
    expect(results.filter((result) => !result.deduplicated)).toHaveLength(1);
  });

  it('refuses an id that breaks the id rule before loading anything', async () => {
    const accounts = createCommandHandler(bankAccount, { store: createInMemoryEventStore() });
    await expect(accounts.handle('x'.repeat(101), open)).rejects.toMatchObject({ code: 'INVALID_ID' });
    await expect(accounts.handle('a\u0000b', open)).rejects.toMatchObject({ code: 'INVALID_ID' });
    await expect(accounts.load('')).rejects.toMatchObject({ code: 'INVALID_ID' });
  });

  it('carries command, correlation and causation ids into the events', async () => {
    const store = createInMemoryEventStore();
    const accounts = createCommandHandler(bankAccount, { store });
    const explicit = await accounts.handle('1', open, {
      commandId: 'cmd-9',
      correlationId: 'transfer-3',
      causationId: 'event-77',
      metadata: { userId: 'u1' },
    });
    expect(explicit.events[0]?.metadata).toEqual({
      commandId: 'cmd-9',
      correlationId: 'transfer-3',
      causationId: 'event-77',
      userId: 'u1',
    });
    const implicit = await accounts.handle('1', deposit(1));
    const { commandId, correlationId, causationId } = implicit.events[0]?.metadata ?? {};
    expect(commandId).toMatch(/^[0-9a-f-]{36}$/);
    expect(correlationId).toBe(commandId);
    expect(causationId).toBe(commandId);
  });

  describe('with snapshots', () => {
    it('writes one every N events and then reads only the events after it', async () => {
      const seen = observed(createInMemoryEventStore());
      const snapshots = createInMemorySnapshotStore();
      const accounts = createCommandHandler(bankAccount, {
        store: seen.store,
        snapshots: { store: snapshots, policy: snapshotEvery(10) },
      });
      await accounts.handle('1', open);
      for (let i = 0; i < 24; i += 1) await accounts.handle('1', deposit(1));
      await accounts.flush();
      expect(await snapshots.load('account-1')).toMatchObject({
        streamVersion: 20,
        stateVersion: 1,
        state: { balance: 19 },
      });
      seen.resetEventsRead();
      const { state, streamVersion } = await accounts.load('1');
      expect(seen.reads.at(-1)).toEqual({ from: 21 });
      expect(seen.eventsRead()).toBe(5);
      expect({ balance: state.balance, streamVersion }).toEqual({ balance: 24, streamVersion: 25 });
    });

    it('ignores a snapshot taken with another state version and rebuilds from events', async () => {
      const store = createInMemoryEventStore();
      const snapshots = createInMemorySnapshotStore();
      const accounts = createCommandHandler(bankAccount, {
        store,
        snapshots: { store: snapshots, policy: snapshotEvery(1000) },
      });
      await accounts.handle('1', open);
      await accounts.handle('1', deposit(30));
      await snapshots.save({ streamId: 'account-1', streamVersion: 2, stateVersion: 0, state: { balance: 999_999 } });
      const result = await accounts.handle('1', deposit(12));
      expect(result.state.balance).toBe(42);
      await accounts.flush();
      expect(await snapshots.load('account-1')).toMatchObject({
        stateVersion: 1,
        streamVersion: 3,
        state: { balance: 42 },
      });
    });

    it('never fails or changes a command when the snapshot store fails', async () => {
      const store = createInMemoryEventStore();
      const broken: SnapshotStore = {
        load: async () => {
          throw new Error('snapshot store down');
        },
        save: async () => {
          throw new Error('snapshot store down');
        },
      };
      const errors: unknown[] = [];
      const accounts = createCommandHandler(bankAccount, {
        store,
        snapshots: { store: broken, policy: snapshotEvery(1) },
        onSnapshotError: (error) => errors.push(error),
      });
      await accounts.handle('1', open);
      const result = await accounts.handle('1', deposit(5));
      await accounts.flush();
      expect(result.state.balance).toBe(5);
      expect(errors.length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('temporal load', () => {
    it('returns the state as of a stream version, with or without a snapshot beyond it', async () => {
      const store = createInMemoryEventStore();
      const snapshots = createInMemorySnapshotStore();
      const accounts = createCommandHandler(bankAccount, {
        store,
        snapshots: { store: snapshots, policy: snapshotEvery(3) },
      });
      await accounts.handle('1', open);
      for (const amount of [1, 2, 4, 8]) await accounts.handle('1', deposit(amount));
      await accounts.flush();
      expect(await accounts.load('1', { atVersion: 2 })).toMatchObject({ streamVersion: 2, state: { balance: 1 } });
      expect(await accounts.load('1', { atVersion: 4 })).toMatchObject({ streamVersion: 4, state: { balance: 7 } });
    });

    it('returns the state as of an instant', async () => {
      const store = createInMemoryEventStore();
      const accounts = createCommandHandler(bankAccount, { store });
      await accounts.handle('1', open);
      await accounts.handle('1', deposit(1));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const between = new Date();
      await new Promise((resolve) => setTimeout(resolve, 5));
      await accounts.handle('1', deposit(100));
      expect(await accounts.load('1', { asOf: between })).toMatchObject({ streamVersion: 2, state: { balance: 1 } });
      expect(await accounts.load('1', { asOf: new Date(0) })).toMatchObject({
        streamVersion: 0,
        state: { open: false },
      });
    });
  });
});
