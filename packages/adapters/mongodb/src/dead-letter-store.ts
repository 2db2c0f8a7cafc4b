import type { DeadLetter, DeadLetterStore } from '@ordo/projections';
import type { Collection, Db, Filter } from 'mongodb';
import { assertDocumentSize } from './document-size.js';
import { ensureIndexesOnce } from './ensure-indexes-once.js';

export interface MongoDeadLetterStoreOptions {
  readonly db: Db;
  /** Default `ordo_dead_letters`. */
  readonly collectionName?: string;
}

type DeadLetterDocument = DeadLetter & { _id: string };

/**
 * Parked events in one MongoDB collection, one document per projection collection and position.
 * Query values go under explicit `$eq`/`$gt`, so a caller's object is never read as an operator.
 *
 * @example
 * const deadLetters = createMongoDeadLetterStore({ db: client.db('app') });
 */
export function createMongoDeadLetterStore(options: MongoDeadLetterStoreOptions): DeadLetterStore {
  const letters: Collection<DeadLetterDocument> = options.db.collection(options.collectionName ?? 'ordo_dead_letters');
  const ensureIndex = ensureIndexesOnce(letters, [{ key: { collection: 1, position: 1 } }]);
  const toEntry = ({ _id, ...entry }: DeadLetterDocument): DeadLetter => entry;

  return {
    async park(entries) {
      if (entries.length === 0) return;
      const documents = entries.map((entry) => ({ _id: `${entry.collection}#${entry.position}`, ...entry }));
      for (const document of documents) assertDocumentSize(letters.collectionName, document._id, document);
      await ensureIndex();
      await letters.bulkWrite(
        documents.map(({ _id, ...entry }) => ({ replaceOne: { filter: { _id }, replacement: entry, upsert: true } })),
        // Undefined fields are left out, as JSON would, instead of coming back as null.
        { ordered: true, ignoreUndefined: true },
      );
    },
    async list(collection, query = {}) {
      // MongoDB reads a limit of 0 as "no limit".
      if (query.limit !== undefined && query.limit <= 0) return [];
      const filter: Filter<DeadLetterDocument> = {
        collection: { $eq: collection },
        ...(query.partition === undefined ? {} : { partition: { $eq: query.partition } }),
        ...(query.partitionKey === undefined ? {} : { partitionKey: { $eq: query.partitionKey } }),
        ...(query.after === undefined ? {} : { position: { $gt: query.after } }),
      };
      const cursor = letters.find(filter).sort({ position: 1 });
      if (query.limit !== undefined) cursor.limit(query.limit);
      return (await cursor.toArray()).map(toEntry);
    },
    count: (collection) => letters.countDocuments({ collection: { $eq: collection } }),
    async remove(collection, positions) {
      if (positions.length === 0) return;
      await letters.deleteMany({ collection: { $eq: collection }, position: { $in: [...positions] } });
    },
    async clear(collection) {
      await letters.deleteMany({ collection: { $eq: collection } });
    },
  };
}
