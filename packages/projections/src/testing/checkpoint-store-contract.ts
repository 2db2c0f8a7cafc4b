import { randomUUID } from 'node:crypto';
import type { StoreFactory } from '@ordo/core/testing';
import { describe, expect, it } from 'vitest';
import type { CheckpointStore } from '../checkpoint-store.js';

export const uniqueCollection = (label: string) => `${label}_${randomUUID().replaceAll('-', '').slice(0, 12)}_v1`;

/**
 * The behaviour every checkpoint store adapter must show.
 *
 * @example
 * checkpointStoreContract(() => createSqliteCheckpointStore({ path: ':memory:' }));
 */
export function checkpointStoreContract(
  createStore: StoreFactory<CheckpointStore>,
  suiteName = 'checkpoint store contract',
): void {
  describe(suiteName, () => {
    it('loads no checkpoint for a collection never committed', async () => {
      const store = await createStore();
      expect([...(await store.load(uniqueCollection('cp')))]).toEqual([]);
    });

    it('keeps one checkpoint per partition', async () => {
      const store = await createStore();
      const collection = uniqueCollection('cp');
      await store.save(collection, 0, 10);
      await store.save(collection, 3, 7);
      expect([...(await store.load(collection))].sort()).toEqual([
        [0, 10],
        [3, 7],
      ]);
    });

    it('never moves a checkpoint backwards', async () => {
      const store = await createStore();
      const collection = uniqueCollection('cp');
      await store.save(collection, 1, 50);
      await store.save(collection, 1, 20);
      expect((await store.load(collection)).get(1)).toBe(50);
      await store.save(collection, 1, 51);
      expect((await store.load(collection)).get(1)).toBe(51);
    });

    it('isolates collections and clears one without touching another', async () => {
      const store = await createStore();
      const a = uniqueCollection('cpa');
      const b = uniqueCollection('cpb');
      await store.save(a, 0, 5);
      await store.save(b, 0, 9);
      await store.clear(a);
      expect([...(await store.load(a))]).toEqual([]);
      expect((await store.load(b)).get(0)).toBe(9);
    });
  });
}
