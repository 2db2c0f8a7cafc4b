import { createHash } from 'node:crypto';
import {
  CollectionNotFoundError,
  type Document,
  type DocumentOperation,
  encodeCursor,
  type FilterValue,
  type IndexDefinitions,
  InvalidProjectionError,
  indexDefinitionsSchema,
  parseFindQuery,
  type ReadStore,
  type StoredDocument,
} from '@ordo/projections';
import { createPostgresCheckpointStore, type PostgresCheckpointStore } from './checkpoint-store.js';
import { databaseFrom, type PostgresDatabase, type PostgresStoreOptions } from './database.js';
import { PostgresQueryError } from './errors.js';
import { ordoLockClass } from './migrations.js';
import { fieldSql, findSql } from './read-model-sql.js';

export type PostgresReadStoreOptions = PostgresStoreOptions;

export interface PostgresReadStore extends ReadStore {
  readonly database: PostgresDatabase;
  readonly checkpoints: PostgresCheckpointStore;
}

interface Collection {
  readonly name: string;
  readonly table: string;
  readonly indexes: IndexDefinitions;
}

const collectionName = /^[A-Za-z][A-Za-z0-9_]{0,59}$/;
const undefinedTable = '42P01';

/**
 * Read models in PostgreSQL: one table per collection (`rm_<name>`, documents as jsonb) with an
 * expression index per declared field, aliases in a table. A batch's documents and its checkpoint
 * commit in one statement, so in one transaction.
 *
 * @example
 * const events = createPostgresEventStore({ connectionString });
 * const store = createPostgresReadStore({ database: events.database });
 * const page = await store.find('balances', { filter: [{ field: 'owner', op: 'eq', value: 'ada' }], limit: 20 });
 */
export function createPostgresReadStore(options: PostgresReadStoreOptions): PostgresReadStore {
  const { database, owned } = databaseFrom(options);
  const checkpoints = createPostgresCheckpointStore({ database });
  const collectionsTable = database.table('read_collections');
  const aliasesTable = database.table('read_aliases');
  const checkpointsTable = database.table('checkpoints');
  const tableOf = (collection: string) => database.table(`rm_${collection}`);
  const cache = new Map<string, Collection>();
  const byName = `SELECT name, indexes FROM ${collectionsTable} WHERE name = $1`;
  const byAliasOrName = `SELECT name, indexes FROM ${collectionsTable}
    WHERE name = coalesce((SELECT collection FROM ${aliasesTable} WHERE alias = $1), $1)`;

  /** The collection a name (alias or collection) points to now; `CollectionNotFoundError` if none. */
  async function collectionOf(name: string, viaAlias: boolean): Promise<Collection> {
    const cached = viaAlias ? undefined : cache.get(name);
    if (cached !== undefined) return cached;
    const [row] = await database.rows<[string, string]>(viaAlias ? byAliasOrName : byName, [name]);
    if (row === undefined) throw new CollectionNotFoundError(name);
    const found = cache.get(row[0]) ?? {
      name: row[0],
      table: tableOf(row[0]),
      indexes: indexDefinitionsSchema.parse(JSON.parse(row[1])),
    };
    cache.set(found.name, found);
    return found;
  }

  /** Runs against a collection's table; a table dropped by another process reads as a missing collection. */
  async function onTable<T>(collection: Collection, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof PostgresQueryError && error.sqlState === undefinedTable) {
        cache.delete(collection.name);
        throw new CollectionNotFoundError(collection.name);
      }
      throw error;
    }
  }

  const commitSql = (table: string) => `WITH
    upserts AS (
      INSERT INTO ${table} AS t (id, position, document)
      SELECT * FROM unnest($1::text[], $2::int8[], $3::jsonb[])
      ON CONFLICT (id) DO UPDATE SET position = excluded.position, document = excluded.document
      WHERE t.position < excluded.position RETURNING 1),
    patches AS (
      UPDATE ${table} AS t
      SET document = (t.document - ARRAY(SELECT jsonb_array_elements_text(u.removed))) || u.patch, position = u.position
      FROM unnest($4::text[], $5::int8[], $6::jsonb[], $12::jsonb[]) AS u(id, position, patch, removed)
      WHERE t.id = u.id AND t.position < u.position RETURNING 1),
    deletes AS (
      DELETE FROM ${table} AS t USING unnest($7::text[], $8::int8[]) AS u(id, position)
      WHERE t.id = u.id AND t.position < u.position RETURNING 1),
    checkpoint AS (
      INSERT INTO ${checkpointsTable} AS c (collection, partition, position)
      SELECT $9, $10, $11::int8 WHERE $11::int8 IS NOT NULL
      ON CONFLICT (collection, partition) DO UPDATE SET position = excluded.position
      WHERE c.position < excluded.position RETURNING 1)
    SELECT (SELECT count(*) FROM upserts) + (SELECT count(*) FROM patches) + (SELECT count(*) FROM deletes)
      + (SELECT count(*) FROM checkpoint)`;

  return {
    database,
    checkpoints,

    async ensureCollection(collection, collectionOptions) {
      if (!collectionName.test(collection)) {
        throw new InvalidProjectionError(
          `Collection name ${collection} must be a letter, then letters, digits and _ (60 at most)`,
        );
      }
      const indexes = indexDefinitionsSchema.parse(collectionOptions.indexes);
      const table = tableOf(collection);
      await database.transaction(async (query) => {
        // DDL of two processes creating one collection would collide in the catalog: one at a time.
        await query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          ordoLockClass,
          `${database.schema}:collections`,
        ]);
        await query(
          `CREATE TABLE IF NOT EXISTS ${table} (id text COLLATE "C" PRIMARY KEY, position int8 NOT NULL, document jsonb NOT NULL)`,
          [],
          false,
        );
        for (const [field, type] of Object.entries(indexes)) {
          const index = `rm_${createHash('sha1').update(`${collection}/${field}`).digest('hex').slice(0, 20)}`;
          await query(
            `CREATE INDEX IF NOT EXISTS "${index}" ON ${table} (${fieldSql(field, type)} NULLS FIRST, id)`,
            [],
            false,
          );
        }
        await query(
          `INSERT INTO ${collectionsTable} (name, indexes) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO NOTHING`,
          [collection, JSON.stringify(indexes)],
        );
      });
    },

    async getMany(collection, ids) {
      const target = await collectionOf(collection, false);
      const rows = await onTable(target, () =>
        database.rows<[string, number, string]>(
          `SELECT id, position, document FROM ${target.table} WHERE id = ANY($1::text[])`,
          [ids],
        ),
      );
      return new Map(
        rows.map(([id, position, document]) => [id, { id, position, document: JSON.parse(document) as Document }]),
      );
    },

    async commit(batch) {
      const target = await collectionOf(batch.collection, false);
      const upserts: DocumentOperation[] = [];
      const patches: DocumentOperation[] = [];
      const deletes: DocumentOperation[] = [];
      for (const operation of batch.operations) {
        (operation.type === 'upsert' ? upserts : operation.type === 'patch' ? patches : deletes).push(operation);
      }
      await onTable(target, () =>
        database.rows(commitSql(target.table), [
          upserts.map((o) => o.id),
          upserts.map((o) => o.position),
          upserts.map((o) => (o.type === 'upsert' ? JSON.stringify(o.document) : '{}')),
          patches.map((o) => o.id),
          patches.map((o) => o.position),
          patches.map((o) => (o.type === 'patch' ? JSON.stringify(o.patch) : '{}')),
          deletes.map((o) => o.id),
          deletes.map((o) => o.position),
          batch.collection,
          batch.partition,
          batch.checkpoint ?? null,
          // A field a patch sets to undefined is removed, as in the other stores; JSON would leave it out.
          patches.map((o) =>
            JSON.stringify(o.type === 'patch' ? Object.keys(o.patch).filter((key) => o.patch[key] === undefined) : []),
          ),
        ]),
      );
    },

    async resolveAlias(alias) {
      const [row] = await database.rows<[string]>(`SELECT collection FROM ${aliasesTable} WHERE alias = $1`, [alias]);
      return row?.[0];
    },

    async switchAlias(alias, collection) {
      const rows = await database.rows(
        `INSERT INTO ${aliasesTable} (alias, collection) SELECT $1, name FROM ${collectionsTable} WHERE name = $2
         ON CONFLICT (alias) DO UPDATE SET collection = excluded.collection RETURNING 1`,
        [alias, collection],
      );
      if (rows.length === 0) throw new CollectionNotFoundError(collection);
    },

    async dropCollection(collection) {
      if (!collectionName.test(collection)) return;
      await database.transaction(async (query) => {
        await query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          ordoLockClass,
          `${database.schema}:collections`,
        ]);
        await query(`DROP TABLE IF EXISTS ${tableOf(collection)}`, [], false);
        await query(`DELETE FROM ${collectionsTable} WHERE name = $1`, [collection]);
        await query(`DELETE FROM ${aliasesTable} WHERE collection = $1`, [collection]);
        await query(`DELETE FROM ${checkpointsTable} WHERE collection = $1`, [collection]);
      });
      cache.delete(collection);
    },

    async listCollections() {
      return (await database.rows<[string]>(`SELECT name FROM ${collectionsTable} ORDER BY name`)).map(
        ([name]) => name,
      );
    },

    async get<Doc extends Document>(name: string, id: string) {
      const target = await collectionOf(name, true);
      const [row] = await onTable(target, () =>
        database.rows<[number, string]>(`SELECT position, document FROM ${target.table} WHERE id = $1`, [id]),
      );
      return row === undefined ? undefined : storedDocument<Doc>(id, row[0], row[1]);
    },

    async find<Doc extends Document>(name: string, input?: unknown) {
      const target = await collectionOf(name, true);
      const query = parseFindQuery(input, target.indexes);
      const { sql, params } = findSql(target.table, target.indexes, query);
      const rows = await onTable(target, () => database.rows<[string, number, string, unknown]>(sql, params, false));
      const items = rows
        .slice(0, query.limit)
        .map(([id, position, document]) => storedDocument<Doc>(id, position, document));
      const last = rows[query.limit - 1];
      if (rows.length <= query.limit || last === undefined) return { items };
      const type = target.indexes[query.sort.field];
      const raw = query.sort.field === 'id' ? last[0] : last[3];
      const value: FilterValue =
        raw === null || raw === undefined ? null : type === 'number' ? Number(raw) : (raw as FilterValue);
      return { items, nextCursor: encodeCursor(query.sort, { value, id: last[0] }) };
    },

    async close() {
      if (owned) await database.close();
    },
  };
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
