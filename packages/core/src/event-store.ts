import type { NewEvent, RecordedEvent } from './event.js';
import type { EventFilter } from './event-filter.js';
import type { ExpectedVersion } from './expected-version.js';

export interface AppendOptions {
  /** Defaults to `'any'`. */
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  /** The stream's version after the append. */
  readonly streamVersion: number;
  /** Global position of the last event written (0 when the batch was empty and the stream is new). */
  readonly position: number;
  readonly events: readonly RecordedEvent[];
  /** True when every event was stored already by an earlier append of the same ids (nothing written now). */
  readonly replayed?: boolean;
}

export interface ReadStreamOptions {
  /** First stream version to read (inclusive); for a backward read, where to start going down. */
  readonly from?: number;
  /** Last stream version to read (inclusive); for a backward read, the lowest version. */
  readonly to?: number;
  readonly direction?: 'forward' | 'backward';
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events whose position is strictly greater: pass the last position you processed. */
  readonly after?: number;
  /** Stop after this position (inclusive). */
  readonly to?: number;
  readonly filter?: EventFilter;
  /** How many events a store fetches per round trip; memory stays bounded by it. */
  readonly batchSize?: number;
}

export interface SubscribeOptions {
  /** Catch up from events strictly after this position, then follow live appends. */
  readonly after?: number;
  readonly filter?: EventFilter;
  readonly batchSize?: number;
  /**
   * Called with the position up to which the store has been scanned, including ranges the
   * filter dropped entirely, so a filtered consumer's checkpoint still moves forward.
   */
  readonly onCheckpoint?: (position: number) => void;
}

/** A catch-up subscription: an async iterable that ends when closed. */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

/**
 * The append-only event store port. Adapters implement it and prove it with
 * `eventStoreContract` from `@ordo/core/testing`.
 */
export interface EventStore {
  /** Appends a batch atomically; resolves only once it is durable. */
  appendToStream(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** A stream's events in order; a missing stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  /** Every event in position order, streamed in batches. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribe(options?: SubscribeOptions): EventSubscription;
  /** Position of the last committed event, 0 for an empty store. */
  headPosition(): Promise<number>;
  /** Events a command (by `metadata.commandId`) wrote to a stream, oldest first; empty if none. */
  findCommand(streamId: string, commandId: string): Promise<readonly RecordedEvent[]>;
  close(): Promise<void>;
}
