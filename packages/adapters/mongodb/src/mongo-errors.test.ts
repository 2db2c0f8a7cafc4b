import { MongoBulkWriteError, MongoInvalidArgumentError, MongoNetworkError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import {
  duplicateKeyIndexes,
  isDuplicateKey,
  isMongoOutage,
  isNamespaceNotFound,
  isOnlyStaleUpserts,
  tooLargeIndex,
} from './mongo-errors.js';

const writeError = (code: number, index = 0) => ({ code, index, errmsg: `E${code}` });
/** The driver's BulkWriteResult, as far as these functions read it. */
const result = (writeConcernError?: { code: number; errmsg: string }) =>
  ({ getWriteConcernError: () => writeConcernError }) as unknown as ConstructorParameters<
    typeof MongoBulkWriteError
  >[1];
/** As the driver throws it from `handleWriteError`: code and message of the first write error. */
const bulkError = (
  writeErrors: ReturnType<typeof writeError>[],
  writeConcernError?: { code: number; errmsg: string },
) =>
  new MongoBulkWriteError(
    { message: 'bulk', code: writeErrors[0]?.code ?? 0, writeErrors: writeErrors as never },
    result(writeConcernError),
  );

describe('duplicateKeyIndexes', () => {
  it('names the operations of a bulk failure made only of E11000 write errors', () => {
    expect(duplicateKeyIndexes(bulkError([writeError(11000, 1), writeError(11000, 4)]))).toEqual([1, 4]);
  });

  it('is undefined when any other write error is in the batch', () => {
    expect(duplicateKeyIndexes(bulkError([writeError(11000, 0), writeError(121, 2)]))).toBeUndefined();
  });

  it('is undefined when a write concern error sits beside the duplicate keys (the driver keeps it on result)', () => {
    const error = bulkError([writeError(11000, 0)], { code: 64, errmsg: 'waiting for replication timed out' });
    expect(error.writeErrors).toHaveLength(1);
    expect(duplicateKeyIndexes(error)).toBeUndefined();
  });

  it('is undefined for a write concern error alone, reported as a bulk error without write errors', () => {
    expect(duplicateKeyIndexes(new MongoBulkWriteError({ message: 'wc', code: 64 }, result()))).toBeUndefined();
  });

  it('is undefined for a network error wrapped by the bulk write, even with the duplicate-key code', () => {
    const network = new MongoBulkWriteError(new MongoNetworkError('connection reset'), result());
    expect(duplicateKeyIndexes(network)).toBeUndefined();
    const commandFailure = new MongoBulkWriteError(new MongoServerError({ message: 'dup', code: 11000 }), result());
    expect(duplicateKeyIndexes(commandFailure)).toBeUndefined();
    expect(duplicateKeyIndexes(undefined)).toBeUndefined();
  });
});

describe('isOnlyStaleUpserts', () => {
  it('accepts duplicate-key failures of a bulk or of a single write', () => {
    expect(isOnlyStaleUpserts(bulkError([writeError(11000), writeError(11000, 1)]))).toBe(true);
    expect(isOnlyStaleUpserts({ writeErrors: writeError(11000) })).toBe(true);
    expect(isOnlyStaleUpserts(new MongoServerError({ message: 'dup', code: 11000 }))).toBe(true);
  });

  it('rejects any other write error, a write concern error, or a non-error', () => {
    expect(isOnlyStaleUpserts(bulkError([writeError(11000), writeError(121, 1)]))).toBe(false);
    expect(isOnlyStaleUpserts({ writeErrors: [writeError(11000)], err: { code: 64 } })).toBe(false);
    expect(isOnlyStaleUpserts({ writeErrors: [] })).toBe(false);
    expect(isOnlyStaleUpserts(new MongoServerError({ message: 'down', code: 91 }))).toBe(false);
    expect(isOnlyStaleUpserts(undefined)).toBe(false);
  });
});

describe('tooLargeIndex', () => {
  it('finds the write refused for the BSON size limit, by the server or by the driver', () => {
    expect(tooLargeIndex(bulkError([writeError(11000, 0), writeError(17419, 3)]))).toBe(3);
    expect(tooLargeIndex(new MongoServerError({ message: 'too large', code: 10334 }))).toBe('unknown');
    expect(tooLargeIndex(new MongoInvalidArgumentError('Document is larger than the maximum size 16777216'))).toBe(
      'unknown',
    );
  });

  it('is undefined for other failures', () => {
    expect(tooLargeIndex(bulkError([writeError(11000)]))).toBeUndefined();
    expect(tooLargeIndex(new MongoNetworkError('reset'))).toBeUndefined();
  });
});

describe('isMongoOutage', () => {
  it('reads lost connections and retryable labels as an outage, write errors as data errors', () => {
    expect(isMongoOutage(new MongoNetworkError('connection reset'))).toBe(true);
    const labelled = new MongoServerError({ message: 'not primary', code: 10107 });
    labelled.addErrorLabel('RetryableWriteError');
    expect(isMongoOutage(labelled)).toBe(true);
    expect(isMongoOutage(new MongoServerError({ message: 'dup', code: 11000 }))).toBe(false);
    expect(isMongoOutage(new Error('handler bug'))).toBe(false);
  });
});

describe('error codes', () => {
  it('recognises E11000 and NamespaceNotFound only', () => {
    expect(isDuplicateKey(new MongoServerError({ message: 'dup', code: 11000 }))).toBe(true);
    expect(isDuplicateKey(new Error('x'))).toBe(false);
    expect(isNamespaceNotFound(new MongoServerError({ message: 'ns not found', code: 26 }))).toBe(true);
    expect(isNamespaceNotFound(new MongoNetworkError('reset'))).toBe(false);
    // mongo-java-server 1.47 sends the message without a code.
    expect(isNamespaceNotFound(new MongoServerError({ message: 'ns not found' }))).toBe(true);
    expect(isNamespaceNotFound(new MongoServerError({ message: 'ns not found', code: 13 }))).toBe(false);
  });
});
