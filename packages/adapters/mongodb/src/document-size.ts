import { BSON, type Document } from 'mongodb';
import { MongoDocumentTooLargeError } from './mongo-errors.js';

/** MongoDB's maximum BSON document size (16 MiB), the same on every server version. */
export const maxDocumentBytes = 16 * 1024 * 1024;

/**
 * Measures a document as it will be stored (undefined fields left out, as the stores write them) and
 * throws `MongoDocumentTooLargeError` past the limit, before anything is sent.
 *
 * @example
 * assertDocumentSize('ordo_snapshots', snapshot.streamId, { _id, state });
 */
export function assertDocumentSize(collection: string, id: string | undefined, document: Document): void {
  const size = BSON.calculateObjectSize(document, { ignoreUndefined: true });
  if (size > maxDocumentBytes) throw new MongoDocumentTooLargeError(collection, id, size, maxDocumentBytes);
}
