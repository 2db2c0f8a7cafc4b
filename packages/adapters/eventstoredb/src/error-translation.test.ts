import {
  convertToCommandError,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { status as grpcStatus, Metadata } from '@grpc/grpc-js';
import {
  convertToCommandError as convertToKurrentDbError,
  WrongExpectedVersionError as KurrentDbWrongExpectedVersionError,
  StreamTombstonedError,
} from '@kurrent/kurrentdb-client';
import { ConcurrencyError } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import {
  isResubscribable,
  isStreamDeleted,
  isStreamNotFound,
  toAppendError,
  toConcurrencyError,
} from './error-translation.js';
import { EsdbAppendTooLargeError, EsdbStreamDeletedError } from './errors.js';

const wrongVersion = (current: bigint | 'no_stream') =>
  new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current });

describe('toConcurrencyError', () => {
  it('turns the client WrongExpectedVersion into ConcurrencyError with the actual 1-based version', () => {
    const error = toConcurrencyError(wrongVersion(2n), 'account-1', 2);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ streamId: 'account-1', expected: 2, actual: 3, code: 'CONCURRENCY_CONFLICT' });
  });

  it('reads the actual revision @kurrent/kurrentdb-client reports as actualState', () => {
    const error = new KurrentDbWrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: 4n });
    expect(toConcurrencyError(error, 's', 1)).toMatchObject({ expected: 1, actual: 5 });
  });

  it('reports a missing stream as actual version 0', () => {
    expect(toConcurrencyError(wrongVersion('no_stream'), 's', 'stream_exists')?.actual).toBe(0);
  });

  it("reads the server's -1 (sent as trailer metadata by older servers) as a missing stream", () => {
    expect(toConcurrencyError(wrongVersion(-1n), 's', 'stream_exists')?.actual).toBe(0);
  });

  it('marks an unknown actual version as NaN so the caller reads it', () => {
    expect(toConcurrencyError({ type: 'wrong-expected-version' }, 's', 1)?.actual).toBeNaN();
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

describe('toAppendError', () => {
  it('turns a batch over MaxAppendSize into EsdbAppendTooLargeError with the limit', () => {
    const error = toAppendError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), 'big', 3);
    expect(error).toBeInstanceOf(EsdbAppendTooLargeError);
    expect(error).toMatchObject({
      code: 'ESDB_APPEND_TOO_LARGE',
      streamId: 'big',
      eventCount: 3,
      maxAppendSize: 1_048_576,
    });
  });

  it('turns a tombstoned stream into EsdbStreamDeletedError, under either name', () => {
    const error = toAppendError(StreamDeletedError.fromStreamName('gone'), 'gone', 1);
    expect(error).toBeInstanceOf(EsdbStreamDeletedError);
    expect(error).toMatchObject({ code: 'ESDB_STREAM_DELETED', streamId: 'gone' });
    const tombstoned = new StreamTombstonedError(undefined as never, { stream: 'gone' });
    expect(toAppendError(tombstoned, 'gone', 1)).toBeInstanceOf(EsdbStreamDeletedError);
    expect(isResubscribable(tombstoned)).toBe(false);
  });

  it("turns KurrentDB 25's maximum-append-event-size-exceeded, unknown to both clients, into EsdbAppendTooLargeError", () => {
    // The status KurrentDB v25.0.0 sends (Grpc/RpcExceptions.cs MaxAppendEventSizeExceeded, Constants.cs keys).
    const trailer = new Metadata();
    trailer.set('exception', 'maximum-append-event-size-exceeded');
    trailer.set('maximum-append-event-size', '1048576');
    trailer.set('event-id', 'a5a0b6c4-00ab-4000-8000-0000000000ef');
    trailer.set('proposed-append-event-size', '2000000');
    const details = 'Event with Id: a5a0b6c4-…, Size: 2000000, exceeds Maximum Append Event Size of 1048576.';
    const status = () =>
      Object.assign(new Error(`3 INVALID_ARGUMENT: ${details}`), {
        code: grpcStatus.INVALID_ARGUMENT,
        details,
        metadata: trailer,
      });
    for (const converted of [convertToCommandError(status()), convertToKurrentDbError(status())]) {
      expect(converted).toMatchObject({ type: 'unknown' });
      const error = toAppendError(converted, 'big', 1);
      expect(error).toBeInstanceOf(EsdbAppendTooLargeError);
      expect(error).toMatchObject({ code: 'ESDB_APPEND_TOO_LARGE', limit: 'event', maxAppendSize: 1_048_576 });
    }
  });

  it('leaves conflicts and transport errors to the caller', () => {
    expect(
      toAppendError(new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: 1n }), 's', 1),
    ).toBeUndefined();
    expect(toAppendError(new UnavailableError(), 's', 1)).toBeUndefined();
  });
});

describe('isStreamDeleted', () => {
  it('recognises a tombstoned stream only', () => {
    expect(isStreamDeleted(StreamDeletedError.fromStreamName('gone'))).toBe(true);
    expect(isStreamDeleted(new StreamNotFoundError(undefined, 'x'))).toBe(false);
  });
});
