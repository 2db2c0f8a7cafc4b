import { ConcurrencyError, type ExpectedVersion } from '@ordo/core';
import { EsdbAppendTooLargeError, EsdbStreamDeletedError } from './errors.js';
import { versionOfRevision } from './expected-revision.js';

const typeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string'
    ? (error as { type: string }).type
    : undefined;

/** The gRPC trailer both clients keep on `_raw`; errors a client does not know arrive as `unknown` with it. */
function trailerOf(error: unknown): Readonly<Record<string, unknown>> {
  const raw = (error as { _raw?: { metadata?: { getMap?: () => Record<string, unknown> } } } | null)?._raw;
  return raw?.metadata?.getMap?.() ?? {};
}

const numberIn = (value: unknown): number | undefined => {
  const parsed = typeof value === 'number' ? value : Number.parseInt(String(value), 10);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
};

/**
 * Turns the client's WrongExpectedVersion into Ordo's `ConcurrencyError`, or `undefined` for any
 * other error. `actual` is the server's current revision as a 1-based version (`'no_stream'` and
 * the server's -1 are 0), or NaN when the error carries none, so the caller reads it.
 * `@eventstore/db-client` names it `actualVersion`, `@kurrent/kurrentdb-client` `actualState`.
 */
export function toConcurrencyError(
  error: unknown,
  streamId: string,
  expected: ExpectedVersion,
): ConcurrencyError | undefined {
  if (typeOf(error) !== 'wrong-expected-version') return undefined;
  const { actualVersion, actualState } = error as { actualVersion?: bigint | string; actualState?: bigint | string };
  const actual = versionOfRevision(actualVersion ?? actualState);
  return new ConcurrencyError(streamId, expected, actual ?? Number.NaN);
}

/**
 * The typed Ordo error for an append the server refused for a reason other than its version: a
 * tombstoned stream, a batch over `MaxAppendSize`, or (KurrentDB 25) one event over
 * `MaxAppendEventSize`, which clients before it report as an unknown error. `undefined` for anything else.
 */
export function toAppendError(error: unknown, streamId: string, eventCount: number): Error | undefined {
  const type = typeOf(error);
  if (isStreamDeleted(error)) return new EsdbStreamDeletedError(streamId);
  if (type === 'maximum-append-size-exceeded') {
    const limit = numberIn((error as { maxAppendSize?: unknown }).maxAppendSize);
    return new EsdbAppendTooLargeError(streamId, eventCount, limit);
  }
  if (type === 'append-record-size-exceeded') {
    const limit = numberIn((error as { maxSize?: unknown }).maxSize);
    return new EsdbAppendTooLargeError(streamId, eventCount, limit, 'event');
  }
  const trailer = trailerOf(error);
  if (trailer.exception === 'maximum-append-event-size-exceeded') {
    return new EsdbAppendTooLargeError(streamId, eventCount, numberIn(trailer['maximum-append-event-size']), 'event');
  }
  return undefined;
}

/** Reading a stream that does not exist (or was soft-deleted) raises this; Ordo reads it as empty. */
export function isStreamNotFound(error: unknown): boolean {
  return typeOf(error) === 'stream-not-found';
}

/** Reading or writing a tombstoned stream raises this (`stream-tombstoned` from KurrentDB's newer protocol). */
export function isStreamDeleted(error: unknown): boolean {
  const type = typeOf(error);
  return type === 'stream-deleted' || type === 'stream-tombstoned';
}

// Errors that come back the same on every attempt: re-opening cannot help.
const fatalSubscriptionErrors = new Set([
  'access-denied',
  'invalid-argument',
  'stream-deleted',
  'stream-tombstoned',
  'unsupported',
]);

/**
 * Whether a dropped subscription is worth re-opening: transport and server-side drops are, access
 * errors not. Re-opening is bounded by `resubscribe.maxAttempts` whatever the error.
 */
export function isResubscribable(error: unknown): boolean {
  const type = typeOf(error);
  return type === undefined || !fatalSubscriptionErrors.has(type);
}
