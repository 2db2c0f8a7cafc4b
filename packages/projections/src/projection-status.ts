/** Where one partition stands. */
export interface PartitionStatus {
  readonly partition: number;
  /** Last committed position. */
  readonly checkpoint: number;
  /** Highest position this partition is known to have passed (>= checkpoint; idle partitions follow the head). */
  readonly reached: number;
  /** Source head minus `reached`; 0 when caught up. */
  readonly lag: number;
  readonly parked: number;
  readonly state: 'running' | 'caught-up' | 'halted' | 'stopped';
  readonly error?: string;
}

/** Where a projection version stands; what health, metrics and a CLI report. */
export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly collection: string;
  /** `serving`: the alias points here. `rebuilding`: building beside the serving version. */
  readonly role: 'serving' | 'rebuilding';
  readonly state: 'starting' | 'running' | 'caught-up' | 'halted' | 'stopped';
  readonly headPosition: number;
  /** Largest partition lag. */
  readonly lag: number;
  readonly parked: number;
  readonly partitions: readonly PartitionStatus[];
}

/** A rebuild's (or catch-up's) progress: positions done out of the total, rate and ETA. */
export interface RebuildProgress {
  readonly name: string;
  readonly version: number;
  readonly collection: string;
  readonly done: number;
  readonly total: number;
  /** Events per second since the rebuild started. */
  readonly rate: number;
  /** Estimated milliseconds left; `undefined` until a rate is known. */
  readonly etaMs: number | undefined;
}

export interface WaitForOptions {
  readonly timeoutMs?: number;
  /** The written stream's partition key (its stream id by default): only its partition is awaited. */
  readonly partitionKey?: string;
  readonly signal?: AbortSignal;
}

/** `waitFor`'s outcome: reached, or timed out with the lag at that moment. */
export type WaitForResult =
  | { readonly status: 'reached'; readonly position: number }
  | {
      readonly status: 'timeout';
      readonly position: number;
      readonly lag: readonly Pick<PartitionStatus, 'partition' | 'reached' | 'lag'>[];
    };
