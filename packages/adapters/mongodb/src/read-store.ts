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
import type { AnyBulkWriteOperation, ClientSession, Collection, Db, Document, Filter } from 'mongodb';
import { toBulkOperations } from './bulk-operations.js';
import { createMongoCheckpointStore, type MongoCheckpointStore } from './checkpoint-store.js';
import { isOnlyStaleUpserts, MongoCollectionNameError } from './mongo-errors.js';
import { deletedField, documentField, positionField, toMongoFind } from './mongo-query.js';
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

interface StoredReadModel {
  _id: string;
  _pos: number;
  doc?: Document;
  _deleted?: true;
}

const validName = /^[A-Za-z0-9_.-]{1,120}$/;

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
    transactions ??=
      options.transactions === undefined || options.transactions === 'auto'
        ? detectTransactions(db)
        : Promise.resolve(options.transactions);
    return transactions;
  };

  const documents = (collection: string): Collection<StoredReadModel> => {
    if (!validName.test(collection)) throw new MongoCollectionNameError(collection);
    return db.collection(`${prefix}${collection}`);
  };

  // The writer side caches collection definitions; reads look them up, since another process may drop or rebuild.
  async function meta(collection: string, cache = true): Promise<CollectionMeta | undefined> {
    const cached = cache ? known.get(collection) : undefined;
    if (cached !== undefined) return cached;
    const found = (await metadata.findOne({ _id: collection })) ?? undefined;
    if (found !== undefined) known.set(collection, found);
    return found;
  }

  async function physical(collection: string, cache = true): Promise<CollectionMeta> {
    const found = await meta(collection, cache);
    if (found === undefined) throw new CollectionNotFoundError(collection);
    return found;
  }

  async function named(name: string): Promise<CollectionMeta> {
    const alias = await aliases.findOne({ _id: name });
    return physical(alias?.collection ?? name, false);
  }

  const toStored = (raw: StoredReadModel): StoredDocument => ({
    id: raw._id,
    document: raw.doc ?? {},
    position: raw._pos,
  });

  async function write(
    collection: string,
    operations: Parameters<typeof toBulkOperations>[0],
    session?: ClientSession,
  ) {
    let pending = operations;
    if (session !== undefined && pending.length > 0) {
      // In a transaction a duplicate-key error aborts everything, so drop stale operations first.
      const stored = await documents(collection)
        .find({ _id: { $in: pending.map((op) => op.id) } }, { projection: { [positionField]: 1 }, session })
        .toArray();
      const positions = new Map(stored.map((doc) => [doc._id, doc._pos]));
      pending = pending.filter((op) => (positions.get(op.id) ?? 0) < op.position);
    }
    const bulk = toBulkOperations(pending);
    if (bulk.length === 0) return;
    try {
      await documents(collection).bulkWrite(bulk as AnyBulkWriteOperation<StoredReadModel>[], {
        ordered: false,
        ...(session === undefined ? {} : { session }),
      });
    } catch (error) {
      // Inside a transaction the error already aborted it: let withTransaction see it.
      if (session !== undefined || !isOnlyStaleUpserts(error)) throw error;
    }
  }

  return {
    checkpoints,
    usesTransactions: useTransactions,

    async ensureCollection(collection, collectionOptions) {
      const target = documents(collection);
      await metadata.updateOne(
        { _id: collection },
        { $setOnInsert: { indexes: { ...collectionOptions.indexes } } },
        { upsert: true },
      );
      known.delete(collection);
      const stored = await physical(collection);
      const specs = Object.keys(stored.indexes).map((field) => ({
        key: { [`${documentField}.${field}`]: 1, _id: 1 } as const,
        name: `ordo_${field}`,
      }));
      if (specs.length > 0) await target.createIndexes(specs);
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
        await write(batch.collection, batch.operations);
        if (checkpoint !== undefined) await checkpoints.save(batch.collection, batch.partition, checkpoint);
        return;
      }
      const session = db.client.startSession();
      try {
        await session.withTransaction(async () => {
          await write(batch.collection, batch.operations, session);
          if (checkpoint !== undefined)
            await checkpoints.saveIn(batch.collection, batch.partition, checkpoint, session);
        });
      } finally {
        await session.endSession();
      }
    },

    async resolveAlias(alias) {
      return (await aliases.findOne({ _id: alias }))?.collection;
    },

    async switchAlias(alias, collection) {
      await physical(collection);
      await aliases.updateOne({ _id: alias }, { $set: { collection } }, { upsert: true });
    },

    async dropCollection(collection) {
      await documents(collection)
        .drop()
        .catch(() => false);
      await metadata.deleteOne({ _id: collection });
      known.delete(collection);
      await checkpoints.clear(collection);
    },

    async listCollections() {
      return (await metadata.find({}, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id);
    },

    async get<Doc extends ReadModelDocument>(name: string, id: string) {
      const collection = await named(name);
      const raw = await documents(collection._id).findOne({ _id: id, [deletedField]: { $ne: true } });
      return raw === null ? undefined : (toStored(raw) as StoredDocument<Doc>);
    },

    async find<Doc extends ReadModelDocument>(name: string, input?: unknown) {
      const collection = await named(name);
      const query = parseFindQuery(input, collection.indexes as IndexDefinitions);
      const { filter, sort, limit } = toMongoFind(query);
      const raw = await documents(collection._id)
        .find(filter as Filter<StoredReadModel>, { sort, limit })
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
