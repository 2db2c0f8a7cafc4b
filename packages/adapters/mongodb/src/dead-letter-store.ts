import type { DeadLetter, DeadLetterStore } from '@ordo/projections';
import type { Collection, Db, Filter } from 'mongodb';

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
  let indexed: Promise<unknown> | undefined;
  const ensureIndex = () => {
    indexed ??= letters.createIndex({ collection: 1, position: 1 });
    return indexed;
  };
  const toEntry = ({ _id, ...entry }: DeadLetterDocument): DeadLetter => entry;

  return {
    async park(entries) {
      if (entries.length === 0) return;
      await ensureIndex();
      await letters.bulkWrite(
        entries.map((entry) => ({
          replaceOne: {
            filter: { _id: `${entry.collection}#${entry.position}` },
            replacement: { ...entry },
            upsert: true,
          },
        })),
        { ordered: true },
      );
    },
    async list(collection, query = {}) {
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
