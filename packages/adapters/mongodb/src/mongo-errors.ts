import { OrdoError } from '@ordo/core';

const duplicateKey = 11000;

const codeOf = (value: unknown): unknown =>
  typeof value === 'object' && value !== null ? (value as { code?: unknown }).code : undefined;

/**
 * Whether a bulk write failed only because guarded upserts met documents already at a newer
 * position (E11000 on `_id`): those operations were applied before, so the batch is done.
 */
export function isOnlyStaleUpserts(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { writeErrors, err } = error as { writeErrors?: unknown; err?: unknown };
  if (err !== undefined && err !== null) return false;
  if (writeErrors === undefined) return codeOf(error) === duplicateKey;
  const list = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  return list.length > 0 && list.every((writeError) => codeOf(writeError) === duplicateKey);
}

/** Whether a single guarded write hit an existing, newer document (E11000). */
export function isDuplicateKey(error: unknown): boolean {
  return codeOf(error) === duplicateKey;
}

/** A read-model collection name Ordo will not map onto a MongoDB collection. */
export class MongoCollectionNameError extends OrdoError {
  readonly code = 'MONGO_COLLECTION_NAME';
  constructor(readonly collection: string) {
    super(`Read-model collection name ${JSON.stringify(collection)} is not usable in MongoDB`);
  }
}
