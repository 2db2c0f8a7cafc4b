import type { EventStore, SnapshotStore } from '@ordo/core';
import type {
  DeadLetterStore,
  DeadlineStore,
  PartitionedEventSource,
  ReadStore,
  StreamKeyedSource,
} from '@ordo/projections';

/**
 * Where the example keeps its data and how its projections read events: SQLite in one process
 * (`embedded.ts`), or EventStoreDB, Kafka and MongoDB (`production.ts`). The application
 * (`banking-app.ts`, `orders-app.ts`) is the same on both.
 */
export interface Infrastructure {
  /** Where the data lives, for the start-up line. */
  readonly description: string;
  readonly events: EventStore;
  readonly snapshots: SnapshotStore;
  /** Read models and their checkpoints. */
  readonly readStore: ReadStore;
  readonly deadLetters: DeadLetterStore;
  readonly deadlines: DeadlineStore;
  /** Reads the event store: feeds any partition key, and every rebuild. */
  readonly storeSource: PartitionedEventSource;
  /** Absent when `storeSource` feeds every projection (embedded). */
  readonly streamSource?: StreamKeyedSource;
  /** Starts what feeds `streamSource` (the Kafka relay). */
  start(): Promise<void>;
  /** Closes clients and files; call once the runners have stopped. */
  close(): Promise<void>;
}
