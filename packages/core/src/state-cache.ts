import type { Snapshot } from './snapshot-store.js';

/**
 * The latest state of recently used streams, kept in process memory (least recently used go
 * first). It works like a snapshot that costs nothing to read: loads still read every event after
 * it from the store, so appends by other processes are never missed.
 */
export interface StateCache {
  get(streamId: string): Snapshot | undefined;
  set(snapshot: Snapshot): void;
  delete(streamId: string): void;
  readonly size: number;
}

/**
 * @example
 * const accounts = createCommandHandler(account, { store, cache: createStateCache({ maxStreams: 10_000 }) });
 */
export function createStateCache({ maxStreams }: { readonly maxStreams: number }): StateCache {
  if (!Number.isInteger(maxStreams) || maxStreams < 1)
    throw new RangeError(`maxStreams must be a positive integer, got ${maxStreams}`);
  const entries = new Map<string, Snapshot>();
  return {
    get(streamId) {
      const entry = entries.get(streamId);
      if (entry === undefined) return undefined;
      // Re-insert to mark it most recently used; clone so a mutating `evolve` cannot touch the cached copy.
      entries.delete(streamId);
      entries.set(streamId, entry);
      return { ...entry, state: structuredClone(entry.state) };
    },
    set(snapshot) {
      const current = entries.get(snapshot.streamId);
      if (
        current !== undefined &&
        current.stateVersion === snapshot.stateVersion &&
        current.streamVersion > snapshot.streamVersion
      )
        return;
      entries.delete(snapshot.streamId);
      entries.set(snapshot.streamId, { ...snapshot, state: structuredClone(snapshot.state) });
      if (entries.size > maxStreams) entries.delete(entries.keys().next().value as string);
    },
    delete(streamId) {
      entries.delete(streamId);
    },
    get size() {
      return entries.size;
    },
  };
}
