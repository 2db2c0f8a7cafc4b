/** A `$all` position: both parts of the transaction-file address. */
export interface EsdbPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** An event as the client reads it; only the fields Ordo uses. */
export interface EsdbRecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly data: unknown;
  readonly metadata?: unknown;
  readonly position?: EsdbPosition;
}

export interface EsdbResolvedEvent {
  readonly event?: EsdbRecordedEvent | undefined;
}

/**
 * A finite read. `@eventstore/db-client` returns a readable whose `cancel()` ends the server call;
 * `@kurrent/kurrentdb-client` an async generator, ended by leaving the loop (`return()`).
 */
export interface EsdbStreamingRead extends AsyncIterable<EsdbResolvedEvent> {
  cancel?(): Promise<void>;
}

export type EsdbJson = Record<string | number, unknown> | unknown[] | string;

/** An event as the client writes it (JSON content). */
export interface EsdbEventData {
  readonly id: string;
  readonly contentType: 'application/json';
  readonly type: string;
  readonly data: EsdbJson;
  readonly metadata: EsdbJson;
}

export type EsdbExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

interface EsdbFilterBase {
  readonly filterOn: 'streamName' | 'eventType';
  readonly checkpointInterval: number;
  readonly maxSearchWindow?: number;
  readonly checkpointReached?: (subscription: unknown, position: EsdbPosition) => Promise<void> | void;
}

/** A server-side `$all` filter: by prefixes or by a regular expression, on stream names or event types. */
export type EsdbFilter =
  | (EsdbFilterBase & { readonly prefixes: string[] })
  | (EsdbFilterBase & { readonly regex: string });

/**
 * The object-mode readable a subscription returns, read with `read()` so that "taken from the
 * buffer" and "handed to the consumer" are one synchronous step.
 */
export interface EsdbSubscription {
  read(): EsdbResolvedEvent | null;
  readonly readableLength: number;
  readonly readableEnded: boolean;
  readonly destroyed: boolean;
  on(event: 'readable' | 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'readable' | 'end' | 'close', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  unsubscribe(): Promise<void>;
}

/** The append reply; `success` is false only on a client built with `throwOnAppendFailure: false`. */
export interface EsdbAppendResult {
  readonly success: boolean;
  readonly nextExpectedRevision: bigint;
  readonly position?: EsdbPosition | undefined;
}

interface EsdbReadOptions {
  readonly direction: 'forwards' | 'backwards';
  readonly maxCount: number | bigint;
  /** Refuse to be served by a follower, whose index may lag the append just made. */
  readonly requiresLeader?: boolean;
}

/**
 * The expected revision under both clients' names: `@eventstore/db-client` reads `expectedRevision`,
 * `@kurrent/kurrentdb-client` `streamState`, and each ignores the other's (so one alone would append at "any").
 */
export interface EsdbAppendOptions {
  readonly expectedRevision: EsdbExpectedRevision;
  readonly streamState: EsdbExpectedRevision;
}

/** The part of a stream's metadata that decides which of its events can still be read. */
export interface EsdbStreamMetadataResult {
  readonly metadata?: {
    readonly truncateBefore?: bigint | number;
    readonly maxAge?: number;
    readonly maxCount?: number;
  };
}

/**
 * The client methods Ordo calls, typed structurally so an `@eventstore/db-client` or a
 * `@kurrent/kurrentdb-client` client both fit.
 */
export interface EsdbClient {
  appendToStream(streamName: string, events: EsdbEventData[], options: EsdbAppendOptions): Promise<EsdbAppendResult>;
  getStreamMetadata(streamName: string): Promise<EsdbStreamMetadataResult>;
  readStream(
    streamName: string,
    options: EsdbReadOptions & { readonly fromRevision: 'start' | 'end' | bigint },
  ): EsdbStreamingRead;
  readAll(options: EsdbReadOptions & { readonly fromPosition: 'start' | 'end' | EsdbPosition }): EsdbStreamingRead;
  subscribeToAll(options: { fromPosition: 'start' | 'end' | EsdbPosition; filter: EsdbFilter }): EsdbSubscription;
}
