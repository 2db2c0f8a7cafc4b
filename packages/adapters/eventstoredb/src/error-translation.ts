import { ConcurrencyError, type ExpectedVersion } from '@ordo/core';
import { EsdbAppendTooLargeError, EsdbStreamDeletedError } from './errors.js';
import { versionOfRevision } from './expected-revision.js';

const typeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string'
    ? (error as { type: string }).type
    : undefined;

/**
 * Turns the client's WrongExpectedVersion into Ordo's `ConcurrencyError`, or `undefined` for any
 * other error. `actual` is the server's current revision as a 1-based version (`'no_stream'` and
 * the server's -1 are 0), or NaN when the error carries none, so the caller reads it.
 */
export function toConcurrencyError(
  error: unknown,
  streamId: string,
  expected: ExpectedVersion,
): ConcurrencyError | undefined {
  if (typeOf(error) !== 'wrong-expected-version') return undefined;
  const reported = (error as { actualVersion?: bigint | string }).actualVersion;
  const actual = versionOfRevision(reported);
  return new ConcurrencyError(streamId, expected, actual ?? Number.NaN);
}

/**
 * The typed Ordo error for an append the server refused for a reason other than its version:
 * a tombstoned stream or a batch over `MaxAppendSize`. `undefined` for anything else.
 */
export function toAppendError(error: unknown, streamId: string, eventCount: number): Error | undefined {
  const type = typeOf(error);
  if (type === 'stream-deleted') return new EsdbStreamDeletedError(streamId);
  if (type !== 'maximum-append-size-exceeded') return undefined;
  const limit = (error as { maxAppendSize?: unknown }).maxAppendSize;
  return new EsdbAppendTooLargeError(streamId, eventCount, Number.isSafeInteger(limit) ? (limit as number) : undefined);
}

/** Reading a stream that does not exist (or was soft-deleted) raises this; Ordo reads it as empty. */
export function isStreamNotFound(error: unknown): boolean {
  return typeOf(error) === 'stream-not-found';
}

/** Reading or writing a tombstoned stream raises this. */
export function isStreamDeleted(error: unknown): boolean {
  return typeOf(error) === 'stream-deleted';
}

const fatalSubscriptionErrors = new Set(['access-denied', 'invalid-argument', 'stream-deleted', 'unsupported']);

/** Whether a dropped subscription is worth re-opening: transport and server-side drops are, auth errors not. */
export function isResubscribable(error: unknown): boolean {
  const type = typeOf(error);
  return type === undefined || !fatalSubscriptionErrors.has(type);
}
