import { StreamNotFoundError, UnavailableError, WrongExpectedVersionError } from '@eventstore/db-client';
import { ConcurrencyError } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import { isResubscribable, isStreamNotFound, toConcurrencyError } from './error-translation.js';

const wrongVersion = (current: bigint | 'no_stream') =>
  new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current });

describe('toConcurrencyError', () => {
  it('turns the client WrongExpectedVersion into ConcurrencyError with the actual 1-based version', () => {
    const error = toConcurrencyError(wrongVersion(2n), 'account-1', 2);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ streamId: 'account-1', expected: 2, actual: 3, code: 'CONCURRENCY_CONFLICT' });
  });

  it('reports a missing stream as actual version 0', () => {
    expect(toConcurrencyError(wrongVersion('no_stream'), 's', 'stream_exists')?.actual).toBe(0);
  });

  it('leaves every other error alone', () => {
    expect(toConcurrencyError(new UnavailableError(), 's', 1)).toBeUndefined();
    expect(toConcurrencyError(new Error('boom'), 's', 1)).toBeUndefined();
    expect(toConcurrencyError('text', 's', 1)).toBeUndefined();
  });
});

describe('isStreamNotFound', () => {
  it('recognises the client error for a missing stream only', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'x'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
  });
});

describe('isResubscribable', () => {
  it('re-opens after transport failures and refuses after access errors', () => {
    expect(isResubscribable(new UnavailableError())).toBe(true);
    expect(isResubscribable(new Error('socket hang up'))).toBe(true);
    expect(isResubscribable({ type: 'access-denied' })).toBe(false);
  });
});
