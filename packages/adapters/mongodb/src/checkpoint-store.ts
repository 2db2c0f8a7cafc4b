import type { CheckpointStore } from '@ordo/projections';
import type { ClientSession, Collection, Db } from 'mongodb';
import { ensureIndexesOnce } from './ensure-indexes-once.js';
import { retryDuplicateKey } from './retry-duplicate-key.js';

export interface MongoCheckpointStoreOptions {
  readonly db: Db;
  /** Default `ordo_checkpoints`. */
  readonly collectionName?: string;
}

interface CheckpointDocument {
  _id: string;
  collection: string;
  partition: number;
  position: number;
}

export interface MongoCheckpointStore extends CheckpointStore {
  /** Saves inside a caller's transaction (the read store commits a batch and its checkpoint together). */
  saveIn(collection: string, partition: number, position: number, session: ClientSession | undefined): Promise<void>;
}

/**
 * Projection checkpoints in one MongoDB collection, one document per collection and partition.
 * `$max` makes a save never move a checkpoint backwards, even between concurrent writers.
 *
 * @example
 * const checkpoints = createMongoCheckpointStore({ db: client.db('app') });
 */
export function createMongoCheckpointStore(options: MongoCheckpointStoreOptions): MongoCheckpointStore {
  const checkpoints: Collection<CheckpointDocument> = options.db.collection(
    options.collectionName ?? 'ordo_checkpoints',
  );
  const ensureIndex = ensureIndexesOnce(checkpoints, [{ key: { collection: 1 } }]);

  async function saveIn(collection: string, partition: number, position: number, session?: ClientSession) {
    const save = () =>
      checkpoints.updateOne(
        { _id: `${collection}#${partition}` },
        { $max: { position }, $setOnInsert: { collection, partition } },
        { upsert: true, ...(session === undefined ? {} : { session }) },
      );
    // In a transaction E11000 has already aborted it: the caller's withTransaction handles that.
    await (session === undefined ? retryDuplicateKey(save) : save());
  }

  return {
    saveIn,
    async load(collection) {
      await ensureIndex();
      const found = await checkpoints.find({ collection: { $eq: collection } }).toArray();
      return new Map(found.map((doc) => [doc.partition, doc.position]));
    },
    save: (collection, partition, position) => saveIn(collection, partition, position),
    async clear(collection) {
      await checkpoints.deleteMany({ collection: { $eq: collection } });
    },
  };
}
