export interface SnapshotDecision<State = unknown> {
  /** The stream's version after the command. */
  readonly streamVersion: number;
  /** Version of the snapshot the state was loaded from (0 when none was usable). */
  readonly snapshotVersion: number;
  readonly state: State;
}

/** Decides, after a command, whether to write a snapshot. */
export type SnapshotPolicy<State = unknown> = (decision: SnapshotDecision<State>) => boolean;

/** Snapshot whenever the stream has crossed a multiple of `n` since the last usable snapshot. */
export function snapshotEvery(n: number): SnapshotPolicy {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`snapshotEvery needs a positive integer, got ${n}`);
  return ({ streamVersion, snapshotVersion }) => Math.floor(streamVersion / n) > Math.floor(snapshotVersion / n);
}
