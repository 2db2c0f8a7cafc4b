import type { RecordedEvent } from '@ordo/core';

/** Events of one partition, in position order. */
export interface SourceBatch {
  readonly events: readonly RecordedEvent[];
  /**
   * Every event of this partition at or below this position has been delivered (at least the
   * last event's position). Lets an idle partition report it has reached the head.
   */
  readonly scannedTo: number;
}

export interface SourceRequest {
  /** The collection (`name_vN`) the feed is for, e.g. to name a Kafka consumer group. */
  readonly collection?: string;
  readonly partitions: number;
  /**
   * murmur2(partition key) mod `partitions`. A source that receives events already partitioned
   * (Kafka, keyed by the same key) may ignore it: the assignment is the same by construction.
   */
  readonly partitionOf: (event: RecordedEvent) => number;
  /** Per partition, its checkpoint. Deliver events strictly after it; earlier ones are skipped anyway. */
  readonly after: readonly number[];
  /** Event types the projection handles, for sources that can filter server-side. */
  readonly eventTypes?: readonly string[];
  readonly maxBatchSize: number;
  /** `false`: each partition's iterable ends once it has delivered everything up to `to`. */
  readonly follow: boolean;
  /** Last position to deliver when not following (a rebuild's head at start). */
  readonly to?: number;
}

/** An open feed: one ordered iterable of batches per partition. */
export interface PartitionedFeed {
  batches(partition: number): AsyncIterable<SourceBatch>;
  /** Told after a partition's batch is committed (a Kafka source commits offsets here). */
  committed?(partition: number, position: number): void | Promise<void>;
  close(): Promise<void>;
}

/**
 * Where a projection runner reads events from. The embedded source reads the event store's
 * `readAll`/`subscribe`; a Kafka source reads a topic keyed by stream id. Positions are the event
 * store's global positions either way, so checkpoints mean the same thing for both.
 */
export interface PartitionedEventSource {
  /** Highest position the source can deliver, for lag (head minus checkpoint). */
  headPosition(): Promise<number>;
  open(request: SourceRequest): PartitionedFeed;
}
