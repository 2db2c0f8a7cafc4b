import { type DocumentOperation, OperationCoalescer } from '@ordo/projections';
import type { Document } from 'mongodb';
import { deletedField, documentField, positionField } from './mongo-query.js';
import { encodeKey, encodeKeys } from './stored-keys.js';

/** How a read-model document is stored: the user's fields under `doc`, ours beside them. */
export interface MongoStoredReadModel {
  _id: string;
  _pos: number;
  doc?: Document;
  _deleted?: true;
}

/** Only documents whose stored position is older (or absent) take the write. */
const guard = (id: string, position: number) => ({
  _id: id,
  $or: [{ [positionField]: { $lt: position } }, { [positionField]: { $exists: false } }],
});

/** Folds operations on the same document into one (the runner already does; this keeps the store safe alone). */
export function coalesceOperations(operations: readonly DocumentOperation[]): DocumentOperation[] {
  const ids = new Set(operations.map((operation) => operation.id));
  if (ids.size === operations.length) return [...operations];
  const coalescer = new OperationCoalescer();
  const ordered = [...operations].sort((a, b) => a.position - b.position);
  for (const operation of ordered) coalescer.add(operation, operation.position);
  return coalescer.drain();
}

/**
 * One guarded bulk operation per document. Upserts and deletes replace the document (a delete
 * leaves a tombstone) and may insert, so a guard miss on an existing newer document raises E11000
 * (`writeGuarded` re-reads such documents before counting them as applied). Patches never insert
 * and never touch tombstones; they are `$set`/`$unset` of `doc.<key>` with escaped keys (see
 * `encodeKey`), never pipeline updates, which FerretDB, mongo-java-server and several managed
 * services lack. Operator values are never evaluated, so `$`-strings in user data stay data.
 */
export function toBulkOperations(operations: readonly DocumentOperation[]): Document[] {
  return coalesceOperations(operations).map(toBulkOperation);
}

function toBulkOperation(operation: DocumentOperation): Document {
  switch (operation.type) {
    case 'upsert':
      return {
        replaceOne: {
          filter: guard(operation.id, operation.position),
          replacement: { [positionField]: operation.position, [documentField]: encodeKeys(operation.document) },
          upsert: true,
        },
      };
    case 'delete':
      return {
        replaceOne: {
          filter: guard(operation.id, operation.position),
          replacement: { [positionField]: operation.position, [deletedField]: true },
          upsert: true,
        },
      };
    case 'patch':
      return {
        updateOne: {
          filter: { ...guard(operation.id, operation.position), [deletedField]: { $ne: true } },
          update: patchUpdate(operation.patch, operation.position),
        },
      };
  }
}

/** A shallow merge as update operators: each top-level key set, or unset when its value is undefined. */
function patchUpdate(patch: Document, position: number): Document {
  const set: Document = { [positionField]: position };
  const unset: Document = {};
  for (const [key, value] of Object.entries(patch)) {
    const path = `${documentField}.${encodeKey(key)}`;
    if (value === undefined) unset[path] = '';
    else set[path] = encodeKeys(value);
  }
  // MongoDB before 5.0 refuses an empty operator.
  return Object.keys(unset).length === 0 ? { $set: set } : { $set: set, $unset: unset };
}
