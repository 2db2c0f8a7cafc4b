import type { RecordedEvent } from '@ordo/core';

/** Why an event was parked: the last handler error, serialisable everywhere. */
export interface ParkedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/** An event a projection could not apply, or one held back behind such an event (same key). */
export interface DeadLetter {
  /** The projection's collection, `name_vN`. */
  readonly collection: string;
  readonly partition: number;
  readonly partitionKey: string;
  readonly position: number;
  readonly event: RecordedEvent;
  readonly error: ParkedError;
  /** Handler attempts made; 0 for an event parked only because an earlier one of its key was. */
  readonly attempts: number;
  readonly parkedAt: string;
}

export interface DeadLetterQuery {
  readonly partition?: number;
  readonly partitionKey?: string;
  /** Only entries with a position strictly greater (paging). */
  readonly after?: number;
  readonly limit?: number;
}

/**
 * Parked events per projection collection, keyed by position. Prove adapters with
 * `deadLetterStoreContract` from `@ordo/projections/testing`.
 */
export interface DeadLetterStore {
  /** Idempotent per (collection, position): parking an event twice keeps one entry (the latest). */
  park(entries: readonly DeadLetter[]): Promise<void>;
  /** Entries in position order. */
  list(collection: string, query?: DeadLetterQuery): Promise<readonly DeadLetter[]>;
  count(collection: string): Promise<number>;
  remove(collection: string, positions: readonly number[]): Promise<void>;
  clear(collection: string): Promise<void>;
}

export function toParkedError(error: unknown): ParkedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string'
      ? { name: error.name, message: error.message, code }
      : { name: error.name, message: error.message };
  }
  return { name: 'Error', message: String(error) };
}
