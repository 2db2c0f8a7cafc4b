import { describe, expect, it } from 'vitest';
import { createCommandHandler } from './command-handler.js';
import type { EventStore, ReadStreamOptions } from './event-store.js';
import { createInMemoryEventStore } from './in-memory-event-store.js';
import { createStateCache } from './state-cache.js';
import { bankAccount } from './test-support/bank-account.js';

const snapshot = (streamId: string, streamVersion: number) => ({
  streamId,
  streamVersion,
  stateVersion: 1,
  state: { v: streamVersion },
});

describe('state cache', () => {
  it('evicts the least recently used stream past its size', () => {
    const cache = createStateCache({ maxStreams: 2 });
    cache.set(snapshot('a', 1));
    cache.set(snapshot('b', 1));
    cache.get('a');
    cache.set(snapshot('c', 1));
    expect([cache.get('a')?.streamId, cache.get('b'), cache.get('c')?.streamId]).toEqual(['a', undefined, 'c']);
    expect(cache.size).toBe(2);
  });

  it('hands out copies, so a mutating evolve cannot change the cached state', () => {
    const cache = createStateCache({ maxStreams: 10 });
    cache.set(snapshot('a', 1));
    (cache.get('a')?.state as { v: number }).v = 99;
    expect(cache.get('a')?.state).toEqual({ v: 1 });
  });

  it('keeps a newer state when an older one arrives late', () => {
    const cache = createStateCache({ maxStreams: 10 });
    cache.set(snapshot('a', 5));
    cache.set(snapshot('a', 3));
    expect(cache.get('a')?.streamVersion).toBe(5);
  });

  it('lets a command handler read only the events after the cached state', async () => {
    const store = createInMemoryEventStore();
    const reads: ReadStreamOptions[] = [];
    const observed: EventStore = {
      ...store,
      readStream: (streamId, options = {}) => {
        reads.push(options);
        return store.readStream(streamId, options);
      },
    };
    const accounts = createCommandHandler(bankAccount, {
      store: observed,
      cache: createStateCache({ maxStreams: 100 }),
    });
    await accounts.handle('1', { type: 'Open', data: { owner: 'ada' } });
    for (let i = 0; i < 5; i += 1) await accounts.handle('1', { type: 'Deposit', data: { amount: 10 } });
    // Commands decide on the cached state and let the append's expected version check it: no reads.
    expect(reads).toEqual([{ from: 1 }]);
    expect((await accounts.load('1')).state.balance).toBe(50);
    expect(reads.at(-1)).toEqual({ from: 7 });
  });

  it('does not reject a command because of a cached state that another writer has moved on', async () => {
    const store = createInMemoryEventStore();
    const cached = createCommandHandler(bankAccount, { store, cache: createStateCache({ maxStreams: 100 }) });
    const other = createCommandHandler(bankAccount, { store });
    await cached.handle('1', { type: 'Open', data: { owner: 'ada', overdraftLimit: 0 } });
    await other.handle('1', { type: 'Deposit', data: { amount: 100 } });
    const result = await cached.handle('1', { type: 'Withdraw', data: { amount: 60 } });
    expect(result).toMatchObject({ streamVersion: 3, state: { balance: 40 } });
  });

  it('never misses events appended by another writer', async () => {
    const store = createInMemoryEventStore();
    const cached = createCommandHandler(bankAccount, { store, cache: createStateCache({ maxStreams: 100 }) });
    const other = createCommandHandler(bankAccount, { store });
    await cached.handle('1', { type: 'Open', data: { owner: 'ada', overdraftLimit: 0 } });
    await cached.handle('1', { type: 'Deposit', data: { amount: 100 } });
    await other.handle('1', { type: 'Withdraw', data: { amount: 100 } });
    await expect(cached.handle('1', { type: 'Withdraw', data: { amount: 1 } })).rejects.toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
    });
    const result = await cached.handle('1', { type: 'Deposit', data: { amount: 7 } });
    expect(result).toMatchObject({ streamVersion: 4, state: { balance: 7 } });
  });

  it('rejects a size that is not a positive integer', () => {
    expect(() => createStateCache({ maxStreams: 0 })).toThrow(RangeError);
  });
});
