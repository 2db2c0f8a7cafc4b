import { type Snapshot, type SnapshotStore, shouldReplaceSnapshot } from './snapshot-store.js';

/** Snapshot store in process memory; states are cloned both ways, as a durable store would. */
export function createInMemorySnapshotStore(): SnapshotStore {
  const snapshots = new Map<string, Snapshot>();
  return {
    async load(streamId) {
      const snapshot = snapshots.get(streamId);
      return snapshot === undefined ? undefined : structuredClone(snapshot);
    },
    async save(snapshot) {
      if (shouldReplaceSnapshot(snapshots.get(snapshot.streamId), snapshot)) {
        snapshots.set(snapshot.streamId, structuredClone(snapshot));
      }
    },
  };
}
