import {
  CollectionNotFoundError,
  type Document,
  type DocumentOperation,
  encodeCursor,
  type FilterCondition,
  type FilterValue,
  type FindQuery,
  type IndexDefinitions,
  InvalidProjectionError,
  indexDefinitionsSchema,
  parseFindQuery,
  type ReadStore,
  type StoredDocument,
} from '@ordo/projections';
import type Database from 'better-sqlite3';
import { createSqliteCheckpointStore, type SqliteCheckpointStore } from './checkpoint-store.js';
import { migrateSqliteDatabase, openSqliteDatabase, type SqliteDatabaseOptions } from './database.js';
import { sqliteWriteQueue } from './write-queue.js';

export type SqliteReadStoreOptions = SqliteDatabaseOptions | { readonly database: Database.Database };

export interface SqliteReadStore extends ReadStore {
  readonly database: Database.Database;
  readonly checkpoints: SqliteCheckpointStore;
}

interface CollectionStatements {
  readonly indexes: IndexDefinitions;
  readonly table: string;
  readonly upsert: Database.Statement;
  readonly select: Database.Statement;
  readonly update: Database.Statement;
  readonly remove: Database.Statement;
  readonly selectMany: Database.Statement;
}

const collectionName = /^[A-Za-z][A-Za-z0-9_]{0,100}$/;
const tableOf = (collection: string) => `"ordo_rm_${collection}"`;
const pathOf = (field: string) => (field === 'id' ? 'id' : `json_extract(document, '$.${field}')`);
const bind = (value: FilterValue) => (typeof value === 'boolean' ? Number(value) : value);

/**
 * Read models in the same SQLite file as the events: one table per collection (`ordo_rm_<name>`)
 * holding JSON documents, expression indexes on the declared fields, aliases in a table. A batch's
 * documents and its checkpoint commit in one transaction through the connection's write queue.
 *
 * @example
 * const events = createSqliteEventStore({ path: 'ordo.db' });
 * const store = createSqliteReadStore({ database: events.database });
 * const page = await store.find('balances', { filter: [{ field: 'owner', op: 'eq', value: 'ada' }], limit: 20 });
 */
export function createSqliteReadStore(options: SqliteReadStoreOptions): SqliteReadStore {
  const ownsDatabase = !('database' in options);
  const database = 'database' in options ? options.database : openSqliteDatabase(options);
  if (!ownsDatabase) migrateSqliteDatabase(database);
  const checkpoints = createSqliteCheckpointStore({ database });
  const writes = sqliteWriteQueue(database);
  const selectCollection = database.prepare('SELECT indexes FROM ordo_read_collections WHERE name = ?').pluck();
  const insertCollection = database.prepare(
    'INSERT OR IGNORE INTO ordo_read_collections (name, indexes) VALUES (?, ?)',
  );
  const deleteCollection = database.prepare('DELETE FROM ordo_read_collections WHERE name = ?');
  const selectAlias = database.prepare('SELECT collection FROM ordo_read_aliases WHERE alias = ?').pluck();
  const upsertAlias = database.prepare(
    'INSERT INTO ordo_read_aliases (alias, collection) VALUES (?, ?) ON CONFLICT (alias) DO UPDATE SET collection = excluded.collection',
  );
  const deleteAliasesTo = database.prepare('DELETE FROM ordo_read_aliases WHERE collection = ?');
  const listCollections = database.prepare('SELECT name FROM ordo_read_collections ORDER BY name').pluck();
  const cache = new Map<string, CollectionStatements>();
  const queries = new Map<string, Database.Statement>();
  // Query shapes repeat (same filters, sort, limit), so their statements are prepared once.
  const prepareQuery = (sql: string) => {
    let statement = queries.get(sql);
    if (statement === undefined) {
      if (queries.size >= 256) queries.clear();
      statement = database.prepare(sql).raw();
      queries.set(sql, statement);
    }
    return statement;
  };

  function statements(collection: string): CollectionStatements {
    const cached = cache.get(collection);
    if (cached !== undefined) return cached;
    const stored = selectCollection.get(collection) as string | undefined;
    if (stored === undefined) throw new CollectionNotFoundError(collection);
    const table = tableOf(collection);
    const prepared: CollectionStatements = {
      indexes: indexDefinitionsSchema.parse(JSON.parse(stored)),
      table,
      // The position guard makes a replayed operation a no-op (see the ReadStore port).
      upsert: database.prepare(
        `INSERT INTO ${table} (id, position, document) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position, document = excluded.document
         WHERE ${table}.position < excluded.position`,
      ),
      select: database.prepare(`SELECT position, document FROM ${table} WHERE id = ?`).raw(),
      update: database.prepare(`UPDATE ${table} SET position = ?, document = ? WHERE id = ?`),
      remove: database.prepare(`DELETE FROM ${table} WHERE id = ? AND position < ?`),
      selectMany: database
        .prepare(`SELECT id, position, document FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`)
        .raw(),
    };
    cache.set(collection, prepared);
    return prepared;
  }

  const resolve = (name: string) => (selectAlias.get(name) as string | undefined) ?? name;

  function apply(s: CollectionStatements, operation: DocumentOperation): void {
    switch (operation.type) {
      case 'upsert':
        s.upsert.run(operation.id, operation.position, JSON.stringify(operation.document));
        return;
      case 'patch': {
        const row = s.select.get(operation.id) as [number, string] | undefined;
        if (row === undefined || row[0] >= operation.position) return;
        const merged = { ...(JSON.parse(row[1]) as Document), ...operation.patch };
        s.update.run(operation.position, JSON.stringify(merged), operation.id);
        return;
      }
      case 'delete':
        s.remove.run(operation.id, operation.position);
    }
  }

  return {
    database,
    checkpoints,

    async ensureCollection(collection, collectionOptions) {
      if (!collectionName.test(collection)) {
        throw new InvalidProjectionError(`Collection name ${collection} must be letters, digits and _`);
      }
      const indexes = indexDefinitionsSchema.parse(collectionOptions.indexes);
      const table = tableOf(collection);
      await writes.run(() => {
        database.exec(
          `CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, position INTEGER NOT NULL, document TEXT NOT NULL) STRICT, WITHOUT ROWID`,
        );
        for (const field of Object.keys(indexes)) {
          const index = `"ordo_rm_${collection}__${field.replaceAll('.', '__')}"`;
          database.exec(`CREATE INDEX IF NOT EXISTS ${index} ON ${table} (${pathOf(field)}, id)`);
        }
        insertCollection.run(collection, JSON.stringify(indexes));
      });
    },

    async getMany(collection, ids) {
      const rows = statements(collection).selectMany.all(JSON.stringify(ids)) as [string, number, string][];
      return new Map(
        rows.map(([id, position, document]) => [id, { id, position, document: JSON.parse(document) as Document }]),
      );
    },

    async commit(batch) {
      const s = statements(batch.collection);
      await writes.run(() => {
        for (const operation of batch.operations) apply(s, operation);
        if (batch.checkpoint !== undefined) {
          checkpoints.saveInTransaction(batch.collection, batch.partition, batch.checkpoint);
        }
      });
    },

    async resolveAlias(alias) {
      return selectAlias.get(alias) as string | undefined;
    },

    async switchAlias(alias, collection) {
      await writes.run(() => {
        if (selectCollection.get(collection) === undefined) throw new CollectionNotFoundError(collection);
        upsertAlias.run(alias, collection);
      });
    },

    async dropCollection(collection) {
      await writes.run(() => {
        database.exec(`DROP TABLE IF EXISTS ${tableOf(collection)}`);
        deleteCollection.run(collection);
        deleteAliasesTo.run(collection);
        database.prepare('DELETE FROM ordo_checkpoints WHERE collection = ?').run(collection);
      });
      cache.delete(collection);
      queries.clear();
    },

    async listCollections() {
      return listCollections.all() as string[];
    },

    async get<Doc extends Document>(name: string, id: string) {
      const row = statements(resolve(name)).select.get(id) as [number, string] | undefined;
      if (row === undefined) return undefined;
      return storedDocument<Doc>(id, row[0], row[1]);
    },

    async find<Doc extends Document>(name: string, input?: unknown) {
      const s = statements(resolve(name));
      const query = parseFindQuery(input, s.indexes);
      const { sql, params } = toSql(s.table, query);
      const rows = prepareQuery(sql).all(...params) as [string, number, string, FilterValue][];
      const items = rows
        .slice(0, query.limit)
        .map(
          ([id, position, document]): StoredDocument<Doc> => ({ id, position, document: JSON.parse(document) as Doc }),
        );
      const last = rows[query.limit - 1];
      if (rows.length <= query.limit || last === undefined) return { items };
      const value = query.sort.field === 'id' ? last[0] : last[3];
      const typed = s.indexes[query.sort.field] === 'boolean' && value !== null ? value === 1 : value;
      return { items, nextCursor: encodeCursor(query.sort, { value: typed, id: last[0] }) };
    },

    async close() {
      await writes.drain();
      if (ownsDatabase && database.open) database.close();
    },
  };
}

/** Builds the keyset query: validated field paths are embedded, every value is a bound parameter. */
function toSql(table: string, query: FindQuery): { sql: string; params: (string | number | null)[] } {
  const where: string[] = [];
  const params: (string | number | null)[] = [];
  for (const condition of query.filter) where.push(conditionSql(condition, params));
  const sortPath = pathOf(query.sort.field);
  const after = query.after;
  if (after !== undefined) {
    const value = bind(after.value);
    if (query.sort.direction === 'asc') {
      if (value === null) where.push(`((${sortPath} IS NULL AND id > ?) OR ${sortPath} IS NOT NULL)`);
      else where.push(`(${sortPath} > ? OR (${sortPath} = ? AND id > ?))`);
    } else if (value === null) where.push(`(${sortPath} IS NULL AND id < ?)`);
    else where.push(`(${sortPath} < ? OR (${sortPath} = ? AND id < ?) OR ${sortPath} IS NULL)`);
    params.push(...(value === null ? [after.id] : [value, value, after.id]));
  }
  const direction = query.sort.direction === 'asc' ? 'ASC' : 'DESC';
  const sql = `SELECT id, position, document, ${sortPath} FROM ${table}
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${sortPath} ${direction}, id ${direction} LIMIT ${query.limit + 1}`;
  return { sql, params };
}

function conditionSql(condition: FilterCondition, params: (string | number | null)[]): string {
  const path = pathOf(condition.field);
  const value = condition.value;
  if (Array.isArray(value)) {
    const present = value.filter((v) => v !== null).map(bind);
    params.push(...present);
    const inList = present.length > 0 ? `${path} IN (${present.map(() => '?').join(', ')})` : '0';
    return value.includes(null) ? `(${inList} OR ${path} IS NULL)` : inList;
  }
  if (value === null) return condition.op === 'ne' ? `${path} IS NOT NULL` : `${path} IS NULL`;
  params.push(bind(value));
  const operators = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
  if (condition.op === 'ne') return `(${path} IS NULL OR ${path} <> ?)`;
  return `${path} ${operators[condition.op as keyof typeof operators]} ?`;
}

/** A document read by id: parsed only if someone reads `document`, so HTTP can forward `json` as stored. */
function storedDocument<Doc extends Document>(id: string, position: number, json: string): StoredDocument<Doc> {
  let parsed: Doc | undefined;
  return {
    id,
    position,
    json,
    get document() {
      parsed ??= JSON.parse(json) as Doc;
      return parsed;
    },
  };
}
