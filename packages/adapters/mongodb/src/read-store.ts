import {
  CollectionNotFoundError,
  encodeCursor,
  type FilterValue,
  fieldValue,
  type IndexDefinitions,
  parseFindQuery,
  type Document as ReadModelDocument,
  type ReadStore,
  type StoredDocument,
} from '@ordo/projections';
import { type Collection, type Db, type Filter, type TransactionOptions, WriteConcern } from 'mongodb';
import type { MongoStoredReadModel } from './bulk-operations.js';
import { createMongoCheckpointStore, type MongoCheckpointStore } from './checkpoint-store.js';
import { createIndexesOneByOne } from './ensure-indexes-once.js';
import { writeGuarded } from './guarded-bulk-write.js';
import { isMongoOutage, isNamespaceExists, isNamespaceNotFound, MongoCollectionNameError } from './mongo-errors.js';
import { deletedField, documentField, toMongoFind } from './mongo-query.js';
import { retryDuplicateKey } from './retry-duplicate-key.js';
import { decodeKeys, encodeKeys } from './stored-keys.js';
import { detectTransactions } from './topology.js';

export interface MongoReadStoreOptions {
  readonly db: Db;
  /** MongoDB collection of read-model collection `accounts_v2` is `<prefix>accounts_v2`. Default `rm_`. */
  readonly collectionPrefix?: string;
  /**
   * `'auto'` (default) commits batch and checkpoint in one transaction when the server is a replica
   * set or mongos; `false` always relies on position guards (standalone servers).
   */
  readonly transactions?: 'auto' | boolean;
}

export interface MongoReadStore extends ReadStore {
  readonly checkpoints: MongoCheckpointStore;
  /** Whether commits run in transactions (known after the first commit). */
  usesTransactions(): Promise<boolean>;
}

interface CollectionMeta {
  _id: string;
  indexes: IndexDefinitions;
}

interface AliasDocument {
  _id: string;
  collection: string;
}

const validName = /^[A-Za-z0-9_.-]{1,120}$/;

/** Reads see a majority-committed snapshot and the commit waits for a majority, so a failover cannot roll back a checkpoint. */
const transactionOptions: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: new WriteConcern('majority'),
  readPreference: 'primary',
};

/**
 * Read models in MongoDB. A batch is one unordered bulk write, one operation per document, each
 * guarded by the document's last applied position, so replays and duplicate deliveries change
 * nothing; batch and checkpoint share a transaction on replica sets, and on a standalone server the
 * checkpoint is written after the batch. Queries are validated by `parseFindQuery` and translated
 * operator by operator.
 *
 * @example
 * const store = createMongoReadStore({ db: client.db('app') });
 */
export function createMongoReadStore(options: MongoReadStoreOptions): MongoReadStore {
  const { db } = options;
  const prefix = options.collectionPrefix ?? 'rm_';
  const checkpoints = createMongoCheckpointStore({ db });
  const metadata: Collection<CollectionMeta> = db.collection('ordo_collections');
  const aliases: Collection<AliasDocument> = db.collection('ordo_aliases');
  const known = new Map<string, CollectionMeta>();
  let transactions: Promise<boolean> | undefined;
  const useTransactions = () => {
    // A failed detection (server unreachable) is asked again next time, never cached.
    transactions ??=
      options.transactions === undefined || options.transactions === 'auto'
        ? detectTransactions(db).catch((error: unknown) => {
            transactions = undefined;
            throw error;
          })
        : Promise.resolve(options.transactions);
    return transactions;
  };

  const documents = (collection: string): Collection<MongoStoredReadModel> => {
    if (!validName.test(collection)) throw new MongoCollectionNameError(collection);
    return db.collection(`${prefix}${collection}`);
  };

  // The writer side caches collection definitions; reads look them up, since another process may drop or rebuild.
  async function meta(collection: string, cache = true): Promise<CollectionMeta | undefined> {
    const cached = cache ? known.get(collection) : undefined;
    if (cached !== undefined) return cached;
    const raw = await metadata.findOne({ _id: { $eq: collection } });
    if (raw === null) return undefined;
    const found = { ...raw, indexes: decodeKeys(raw.indexes) };
    known.set(collection, found);
    return found;
  }

  async function physical(collection: string, cache = true): Promise<CollectionMeta> {
    const found = await meta(collection, cache);
    if (found === undefined) throw new CollectionNotFoundError(collection);
    return found;
  }

  async function named(name: string): Promise<CollectionMeta> {
    const alias = await aliases.findOne({ _id: { $eq: name } });
    return physical(alias?.collection ?? name, false);
  }

  const toStored = (raw: MongoStoredReadModel): StoredDocument => ({
    id: raw._id,
    document: decodeKeys(raw.doc ?? {}),
    position: raw._pos,
  });

  return {
    checkpoints,
    usesTransactions: useTransactions,
    isTransientError: isMongoOutage,

    async ensureCollection(collection, collectionOptions) {
      const target = documents(collection);
      await retryDuplicateKey(() =>
        metadata.updateOne(
          { _id: collection },
          // Index paths are dotted: stored with escaped keys, which every MongoDB-wire server accepts.
          { $setOnInsert: { indexes: encodeKeys({ ...collectionOptions.indexes }) } },
          { upsert: true },
        ),
      );
      known.delete(collection);
      const stored = await physical(collection);
      // Created up front: a transaction on a sharded cluster may not create it implicitly.
      await db.createCollection(target.collectionName).catch((error: unknown) => {
        if (!isNamespaceExists(error)) throw error;
      });
      const specs = Object.keys(stored.indexes).map((field) => ({
        key: { [`${documentField}.${field}`]: 1, _id: 1 } as const,
        name: `ordo_${field}`,
      }));
      await createIndexesOneByOne(target, specs);
    },

    async getMany(collection, ids) {
      await physical(collection);
      const found = await documents(collection)
        .find({ _id: { $in: [...ids] }, [deletedField]: { $ne: true } })
        .toArray();
      return new Map(found.map((raw) => [raw._id, toStored(raw)]));
    },

    async commit(batch) {
      await physical(batch.collection);
      const checkpoint = batch.checkpoint;
      if (!(await useTransactions())) {
        // The checkpoint is written only once every write of the batch is acknowledged.
        await writeGuarded(documents(batch.collection), batch.operations);
        if (checkpoint !== undefined) await checkpoints.save(batch.collection, batch.partition, checkpoint);
        return;
      }
      const session = db.client.startSession();
      try {
        // withTransaction re-runs this on TransientTransactionError and retries the commit on UnknownTransactionCommitResult.
        await session.withTransaction(async () => {
          await writeGuarded(documents(batch.collection), batch.operations, session);
          if (checkpoint !== undefined)
            await checkpoints.saveIn(batch.collection, batch.partition, checkpoint, session);
        }, transactionOptions);
      } finally {
        await session.endSession();
      }
    },

    async resolveAlias(alias) {
      return (await aliases.findOne({ _id: { $eq: alias } }))?.collection;
    },

    async switchAlias(alias, collection) {
      await physical(collection);
      await retryDuplicateKey(() => aliases.updateOne({ _id: alias }, { $set: { collection } }, { upsert: true }));
    },

    async dropCollection(collection) {
      try {
        await documents(collection).drop();
      } catch (error) {
        // Servers before 7.0 answer NamespaceNotFound for a collection already gone; anything else is real.
        if (!isNamespaceNotFound(error)) throw error;
      }
      await metadata.deleteOne({ _id: collection });
      known.delete(collection);
      await checkpoints.clear(collection);
    },

    async listCollections() {
      return (await metadata.find({}, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id);
    },

    async get<Doc extends ReadModelDocument>(name: string, id: string) {
      const collection = await named(name);
      const raw = await documents(collection._id).findOne({ _id: { $eq: id }, [deletedField]: { $ne: true } });
      return raw === null ? undefined : (toStored(raw) as StoredDocument<Doc>);
    },

    async find<Doc extends ReadModelDocument>(name: string, input?: unknown) {
      const collection = await named(name);
      const query = parseFindQuery(input, collection.indexes as IndexDefinitions);
      const { filter, sort, limit } = toMongoFind(query);
      const raw = await documents(collection._id)
        .find(filter as Filter<MongoStoredReadModel>, { sort, limit })
        .toArray();
      const items = raw.slice(0, query.limit).map(toStored) as StoredDocument<Doc>[];
      const last = items.at(-1);
      if (last === undefined || raw.length <= query.limit) return { items };
      const value: FilterValue = query.sort.field === 'id' ? last.id : fieldValue(last.document, query.sort.field);
      return { items, nextCursor: encodeCursor(query.sort, { value, id: last.id }) };
    },

    async close() {},
  };
}
