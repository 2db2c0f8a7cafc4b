import type { DocumentOperation } from '@ordo/projections';
import type { AnyBulkWriteOperation, ClientSession, Collection } from 'mongodb';
import { coalesceOperations, type MongoStoredReadModel, toBulkOperations } from './bulk-operations.js';
import { assertDocumentSize, maxDocumentBytes } from './document-size.js';
import { duplicateKeyIndexes, MongoDocumentTooLargeError, tooLargeIndex } from './mongo-errors.js';
import { documentField, positionField } from './mongo-query.js';
import { encodeKeys } from './stored-keys.js';

/** Rounds of "re-read the raced documents, re-send those still behind" before giving up. */
const maxAttempts = 3;

/** Keeps the operations still ahead of their stored document (absent, or at an older position). */
async function dropApplied(
  collection: Collection<MongoStoredReadModel>,
  operations: readonly DocumentOperation[],
  session?: ClientSession,
): Promise<DocumentOperation[]> {
  if (operations.length === 0) return [];
  const stored = await collection
    .find(
      { _id: { $in: operations.map((operation) => operation.id) } },
      { projection: { [positionField]: 1 }, ...(session === undefined ? {} : { session }) },
    )
    .toArray();
  const positions = new Map(stored.map((document) => [document._id, document._pos]));
  return operations.filter((operation) => {
    const position = positions.get(operation.id);
    return typeof position !== 'number' || position < operation.position;
  });
}

function tooLarge(
  collection: string,
  pending: readonly DocumentOperation[],
  error: unknown,
): MongoDocumentTooLargeError {
  const index = tooLargeIndex(error);
  const id = typeof index === 'number' ? pending[index]?.id : undefined;
  return new MongoDocumentTooLargeError(collection, id, undefined, maxDocumentBytes, { cause: error });
}

/**
 * Applies a batch as one unordered bulk write, one guarded operation per document. A guarded upsert
 * behind a newer document fails with E11000; the batch's documents are then re-read, and only
 * operations still ahead of what is stored (not sent, or a concurrent writer inserted an older
 * version first) are sent again.
 * Any other write error, a write concern error or a network error fails the batch. In a
 * transaction, stale operations are dropped before writing, since any write error aborts it.
 *
 * @example
 * await writeGuarded(db.collection('rm_accounts_v1'), batch.operations);
 */
export async function writeGuarded(
  collection: Collection<MongoStoredReadModel>,
  operations: readonly DocumentOperation[],
  session?: ClientSession,
): Promise<void> {
  const name = collection.collectionName;
  let pending = coalesceOperations(operations);
  for (const operation of pending)
    if (operation.type === 'upsert')
      assertDocumentSize(name, operation.id, {
        _id: operation.id,
        [positionField]: operation.position,
        [documentField]: encodeKeys(operation.document),
      });
  if (session !== undefined) pending = await dropApplied(collection, pending, session);
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    try {
      await collection.bulkWrite(toBulkOperations(pending) as AnyBulkWriteOperation<MongoStoredReadModel>[], {
        ordered: false,
        ignoreUndefined: true,
        ...(session === undefined ? {} : { session }),
      });
      return;
    } catch (error) {
      if (tooLargeIndex(error) !== undefined) throw tooLarge(name, pending, error);
      // In a transaction the error already aborted it: let withTransaction (and the runner) see it.
      const indexes = session === undefined ? duplicateKeyIndexes(error) : undefined;
      if (indexes === undefined || attempt >= maxAttempts) throw error;
      // Every pending document is re-read, not only those at the reported indexes: FerretDB 1.24
      // reports index 0 and stops at the first error of an unordered batch, so trusting the
      // indexes would count unsent operations as applied.
      pending = await dropApplied(collection, pending);
    }
  }
}
