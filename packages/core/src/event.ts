/** Keys every event's metadata may carry; users add their own beside them. */
export interface EventMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly commandId?: string;
  readonly [key: string]: unknown;
}

/** An event as a writer hands it to the store: the store assigns versions, position and time. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  /** Set by the writer so a retried append can be recognised; generated when absent. */
  readonly id?: string;
  readonly type: Type;
  readonly data: Data;
  readonly schemaVersion?: number;
  readonly metadata?: EventMetadata;
}

/** An event as stored and delivered (DESIGN.md, "Events"). */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  readonly id: string;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly streamId: string;
  /** 1-based, gap-free position inside the stream. */
  readonly streamVersion: number;
  /** Global position, strictly increasing in commit order. */
  readonly position: number;
  /** ISO-8601, set at append. */
  readonly timestamp: string;
  readonly data: Data;
  readonly metadata: EventMetadata;
}
