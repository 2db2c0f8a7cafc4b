import type { CheckpointStore } from './checkpoint-store.js';

/**
 * A process-local checkpoint store; the in-memory read store writes its checkpoints here.
 *
 * @example
 * const checkpoints = createInMemoryCheckpointStore();
 * await checkpoints.save('balances_v1', 0, 42);
 */
export function createInMemoryCheckpointStore(): CheckpointStore {
  const byCollection = new Map<string, Map<number, number>>();
  return {
    async load(collection) {
      return new Map(byCollection.get(collection));
    },
    async save(collection, partition, position) {
      const checkpoints = byCollection.get(collection) ?? new Map<number, number>();
      if ((checkpoints.get(partition) ?? 0) < position) checkpoints.set(partition, position);
      byCollection.set(collection, checkpoints);
    },
    async clear(collection) {
      byCollection.delete(collection);
    },
  };
}
