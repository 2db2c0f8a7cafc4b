import { ConcurrencyError, type ExpectedVersion } from '@ordo/core';
import { versionOfRevision } from './expected-revision.js';

const typeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string'
    ? (error as { type: string }).type
    : undefined;

/**
 * Turns the client's WrongExpectedVersion into Ordo's `ConcurrencyError`, or `undefined` for any
 * other error. `actual` is the server's current revision mapped to a 1-based version when known.
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

/** Reading a stream that does not exist raises this; Ordo reads it as empty. */
export function isStreamNotFound(error: unknown): boolean {
  return typeOf(error) === 'stream-not-found';
}

const fatalSubscriptionErrors = new Set(['access-denied', 'invalid-argument', 'stream-deleted', 'unsupported']);

/** Whether a dropped subscription is worth re-opening: transport and server-side drops are, auth errors not. */
export function isResubscribable(error: unknown): boolean {
  const type = typeOf(error);
  return type === undefined || !fatalSubscriptionErrors.has(type);
}
