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

/** The readable a subscription returns: an async iterable that reports how much it buffers. */
export interface EsdbSubscription extends AsyncIterable<EsdbResolvedEvent> {
  readonly readableLength: number;
  unsubscribe(): Promise<void>;
}

/**
 * The client methods Ordo calls, typed structurally so an `@eventstore/db-client` or a
 * `@kurrent/kurrentdb-client` client both fit.
 */
export interface EsdbClient {
  appendToStream(
    streamName: string,
    events: EsdbEventData[],
    options: { expectedRevision: EsdbExpectedRevision },
  ): Promise<{ readonly nextExpectedRevision: bigint; readonly position?: EsdbPosition | undefined }>;
  readStream(
    streamName: string,
    options: {
      fromRevision: 'start' | 'end' | bigint;
      direction: 'forwards' | 'backwards';
      maxCount: number | bigint;
    },
  ): AsyncIterable<EsdbResolvedEvent>;
  readAll(options: {
    fromPosition: 'start' | 'end' | EsdbPosition;
    direction: 'forwards' | 'backwards';
    maxCount: number | bigint;
  }): AsyncIterable<EsdbResolvedEvent>;
  subscribeToAll(options: { fromPosition: 'start' | 'end' | EsdbPosition; filter: EsdbFilter }): EsdbSubscription;
}
