import { OrdoError } from '@ordo/core';
import { MongoError, MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError } from 'mongodb';

const duplicateKey = 11000;
const namespaceNotFound = 26;
const namespaceExists = 48;
const commandNotFound = 59;
/** BSONObjectTooLarge, "resulting document after update is larger than", "document to upsert is larger than". */
const tooLargeCodes = new Set([10334, 17419, 17420]);

const codeOf = (value: unknown): unknown =>
  typeof value === 'object' && value !== null ? (value as { code?: unknown }).code : undefined;

interface BulkFailure {
  writeErrors?: unknown;
  err?: unknown;
  result?: { getWriteConcernError?: () => unknown };
}

const writeErrorsOf = (error: BulkFailure): unknown[] =>
  error.writeErrors === undefined ? [] : Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];

/**
 * The operation indexes of a bulk failure made only of duplicate-key write errors (E11000), or
 * `undefined` when anything else went wrong: another write error, a write concern error (the
 * driver reports it on `err`, as the code of an error without write errors, or beside write
 * errors on `result`), a network or driver error.
 */
export function duplicateKeyIndexes(error: unknown): number[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const failure = error as BulkFailure;
  if (failure.err !== undefined && failure.err !== null) return undefined;
  if (failure.result?.getWriteConcernError?.() !== undefined) return undefined;
  const writeErrors = writeErrorsOf(failure);
  if (writeErrors.length === 0 || !writeErrors.every((writeError) => codeOf(writeError) === duplicateKey))
    return undefined;
  const indexes = writeErrors.map((writeError) => (writeError as { index?: unknown }).index);
  return indexes.every((index): index is number => typeof index === 'number') ? indexes : undefined;
}

/**
 * Whether a write failed only with duplicate-key errors (E11000): for a single write, or for a bulk
 * write with no write concern error. Guarded upserts raise them when the stored document is newer.
 */
export function isOnlyStaleUpserts(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && !('writeErrors' in error) && !('result' in error))
    return codeOf(error) === duplicateKey;
  return duplicateKeyIndexes(error) !== undefined;
}

/** Whether a single write hit an existing document on a unique key (E11000). */
export function isDuplicateKey(error: unknown): boolean {
  return codeOf(error) === duplicateKey;
}

/**
 * Whether the server found no such collection (dropping one already gone). mongo-java-server 1.47
 * answers with MongoDB's message "ns not found" but no code.
 */
export function isNamespaceNotFound(error: unknown): boolean {
  const code = codeOf(error);
  if (code === namespaceNotFound) return true;
  return code === undefined && (error as { message?: unknown } | null)?.message === 'ns not found';
}

/** Whether the server already has the collection being created. */
export function isNamespaceExists(error: unknown): boolean {
  return codeOf(error) === namespaceExists;
}

/** Whether the server does not know the command (`hello` before MongoDB 4.4.2). */
export function isCommandNotFound(error: unknown): boolean {
  return codeOf(error) === commandNotFound;
}

/** Whether the server or the driver refused a document past the BSON size limit; the write error index if any. */
export function tooLargeIndex(error: unknown): number | 'unknown' | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const tooLarge = writeErrorsOf(error as BulkFailure).find((writeError) =>
    tooLargeCodes.has(codeOf(writeError) as number),
  );
  if (tooLarge !== undefined) {
    const index = (tooLarge as { index?: unknown }).index;
    return typeof index === 'number' ? index : 'unknown';
  }
  if (tooLargeCodes.has(codeOf(error) as number)) return 'unknown';
  const message = (error as { message?: unknown }).message;
  // The driver's own check before sending (MongoInvalidArgumentError, no code).
  return typeof message === 'string' && message.startsWith('Document is larger than the maximum size')
    ? 'unknown'
    : undefined;
}

/**
 * Whether an error means the server is out of reach or failing over (network, no server to select,
 * or labelled retryable by the driver), so the same write may succeed later; data errors are not.
 */
export function isMongoOutage(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return true;
  if (error instanceof MongoNotConnectedError) return true;
  return (
    error instanceof MongoError &&
    (error.hasErrorLabel('RetryableWriteError') ||
      error.hasErrorLabel('TransientTransactionError') ||
      error.hasErrorLabel('ResetPool'))
  );
}

/** A read-model collection name Ordo will not map onto a MongoDB collection. */
export class MongoCollectionNameError extends OrdoError {
  readonly code = 'MONGO_COLLECTION_NAME';
  constructor(readonly collection: string) {
    super(`Read-model collection name ${JSON.stringify(collection)} is not usable in MongoDB`);
  }
}

/** A document past MongoDB's 16 MiB BSON limit; nothing of the write it belongs to was sent, or the server refused it. */
export class MongoDocumentTooLargeError extends OrdoError {
  readonly code = 'MONGO_DOCUMENT_TOO_LARGE';
  constructor(
    /** Where the document was going: `rm_accounts_v1`, `ordo_snapshots`, ... */
    readonly collection: string,
    readonly id: string | undefined,
    /** BSON bytes when measured before sending; `undefined` when the server refused it. */
    readonly size: number | undefined,
    readonly limit: number,
    options?: { cause: unknown },
  ) {
    super(
      `Document ${id === undefined ? '' : `${JSON.stringify(id)} `}in ${collection} is larger than MongoDB's ${limit}-byte limit${size === undefined ? '' : ` (${size} bytes)`}`,
      options,
    );
  }
}

/** A deadline the store refuses before writing: it does not match the port's schema or its `dueAt` is no date. */
export class MongoInvalidDeadlineError extends OrdoError {
  readonly code = 'MONGO_INVALID_DEADLINE';
  constructor(readonly issues: readonly string[]) {
    super(`Invalid deadline: ${issues.join('; ')}`);
  }
}
