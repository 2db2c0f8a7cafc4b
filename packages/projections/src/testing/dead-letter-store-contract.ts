import type { RecordedEvent } from '@ordo/core';
import type { StoreFactory } from '@ordo/core/testing';
import { describe, expect, it } from 'vitest';
import type { DeadLetter, DeadLetterStore } from '../dead-letter-store.js';
import { uniqueCollection } from './checkpoint-store-contract.js';

const letter = (
  collection: string,
  position: number,
  partitionKey = `s-${position % 3}`,
  partition = position % 2,
): DeadLetter => {
  const event: RecordedEvent = {
    id: `e-${position}`,
    type: 'Deposited',
    schemaVersion: 2,
    streamId: partitionKey,
    streamVersion: position,
    position,
    timestamp: new Date(position * 1000).toISOString(),
    data: { amount: position, nested: { ok: [1, 'two'] } },
    metadata: { correlationId: 'c' },
  };
  return {
    collection,
    partition,
    partitionKey,
    position,
    event,
    error: { name: 'Error', message: `boom ${position}`, code: 'BOOM' },
    attempts: 3,
    parkedAt: new Date(0).toISOString(),
  };
};

/**
 * The behaviour every dead-letter store adapter must show.
 *
 * @example
 * deadLetterStoreContract(() => createSqliteDeadLetterStore({ path: ':memory:' }));
 */
export function deadLetterStoreContract(
  createStore: StoreFactory<DeadLetterStore>,
  suiteName = 'dead-letter store contract',
): void {
  describe(suiteName, () => {
    it('lists parked events in position order with their event, error and attempts', async () => {
      const store = await createStore();
      const collection = uniqueCollection('dl');
      await store.park([letter(collection, 9), letter(collection, 2), letter(collection, 5)]);
      const listed = await store.list(collection);
      expect(listed.map((entry) => entry.position)).toEqual([2, 5, 9]);
      expect(listed[0]).toEqual(letter(collection, 2));
      expect(await store.count(collection)).toBe(3);
    });

    it('keeps one entry per position when an event is parked again', async () => {
      const store = await createStore();
      const collection = uniqueCollection('dl');
      await store.park([letter(collection, 4)]);
      await store.park([{ ...letter(collection, 4), attempts: 6, error: { name: 'Error', message: 'again' } }]);
      const listed = await store.list(collection);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ attempts: 6, error: { message: 'again' } });
    });

    it('filters by partition, partition key, position and limit', async () => {
      const store = await createStore();
      const collection = uniqueCollection('dl');
      await store.park([1, 2, 3, 4, 5, 6, 7].map((position) => letter(collection, position)));
      expect((await store.list(collection, { partition: 1 })).map((e) => e.position)).toEqual([1, 3, 5, 7]);
      expect((await store.list(collection, { partitionKey: 's-1' })).map((e) => e.position)).toEqual([1, 4, 7]);
      expect((await store.list(collection, { after: 3, limit: 2 })).map((e) => e.position)).toEqual([4, 5]);
    });

    it('removes chosen entries and clears a collection without touching another', async () => {
      const store = await createStore();
      const a = uniqueCollection('dla');
      const b = uniqueCollection('dlb');
      await store.park([letter(a, 1), letter(a, 2), letter(a, 3), letter(b, 1)]);
      await store.remove(a, [1, 3]);
      expect((await store.list(a)).map((e) => e.position)).toEqual([2]);
      await store.clear(a);
      expect(await store.count(a)).toBe(0);
      expect(await store.count(b)).toBe(1);
    });
  });
}
