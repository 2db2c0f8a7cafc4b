/** An aggregate's state as of a stream version, so loading reads only the events after it. */
export interface Snapshot<State = unknown> {
  readonly streamId: string;
  readonly streamVersion: number;
  /** The aggregate's `stateVersion` when the snapshot was taken. */
  readonly stateVersion: number;
  readonly state: State;
}

/** Snapshot persistence port; prove adapters with `snapshotStoreContract` from `@ordo/core/testing`. */
export interface SnapshotStore {
  /** The stream's latest snapshot as an independent copy, or `undefined`. */
  load(streamId: string): Promise<Snapshot | undefined>;
  /**
   * Keeps the snapshot unless the stored one is newer with the same `stateVersion`; a snapshot
   * written by code with another `stateVersion` is always replaced.
   */
  save(snapshot: Snapshot): Promise<void>;
}

/** The replacement rule every snapshot store applies. */
export function shouldReplaceSnapshot(stored: Snapshot | undefined, incoming: Snapshot): boolean {
  return (
    stored === undefined ||
    stored.stateVersion !== incoming.stateVersion ||
    stored.streamVersion <= incoming.streamVersion
  );
}
