import { createHash } from 'node:crypto';
import pg from 'pg';
import { InvalidSchemaNameError, StoreClosedError, translatePostgresError } from './errors.js';
import { migrateSchema, tableName } from './migrations.js';
import { rowTypes } from './row-types.js';

/** Connection settings: a URL (the store creates and owns a pool) or a pool you created. */
export type PostgresConnectionOptions = (
  | {
      /** e.g. `postgres://user@host:5432/db`. */
      readonly connectionString: string;
      /** Pooled connections; default 10. A live subscription holds one more while it waits. */
      readonly poolSize?: number;
      /** How long an operation waits for a free connection before failing; default 10 s. */
      readonly connectTimeoutMs?: number;
    }
  | { readonly pool: pg.Pool }
) & {
  /** Schema holding Ordo's tables, created and migrated on first use; default `ordo`. */
  readonly schema?: string;
};

/** A pool and a migrated schema, shared by sibling stores so they use one set of connections. */
export interface PostgresDatabase {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** `"schema"."name"`: a quoted, schema-qualified identifier. */
  table(name: string): string;
  /**
   * Creates and migrates the schema (once; every query waits for it). Await it at start-up to fail
   * fast; a failed attempt (server down) is retried on the next call.
   */
  ready(): Promise<void>;
  /**
   * Runs one statement and returns its rows as arrays; errors are typed. Prepared once per
   * connection unless `prepared` is false (for query shapes that vary without bound).
   */
  rows<Row extends unknown[]>(text: string, values?: readonly unknown[], prepared?: boolean): Promise<Row[]>;
  /** Runs `work` in a transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (query: TransactionQuery) => Promise<T>): Promise<T>;
  /** Ends the pool if this database created it. */
  close(): Promise<void>;
}

export type TransactionQuery = <Row extends unknown[]>(
  text: string,
  values?: readonly unknown[],
  prepared?: boolean,
) => Promise<Row[]>;

const schemaPattern = /^[a-z_][a-z0-9_]{0,49}$/;

/**
 * Opens a pool (or adopts yours) for Ordo's tables in `schema`; migrations run once, on first use.
 *
 * @example
 * const database = openPostgresDatabase({ connectionString: process.env.PG_URL ?? '', schema: 'bank' });
 * const events = createPostgresEventStore({ database });
 * const snapshots = createPostgresSnapshotStore({ database });
 */
export function openPostgresDatabase(options: PostgresConnectionOptions): PostgresDatabase {
  const schema = options.schema ?? 'ordo';
  if (!schemaPattern.test(schema)) throw new InvalidSchemaNameError(schema);
  const ownsPool = !('pool' in options);
  const pool =
    'pool' in options
      ? options.pool
      : new pg.Pool({
          connectionString: options.connectionString,
          max: options.poolSize ?? 10,
          connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
          application_name: 'ordo',
        });
  // An idle connection the server dropped must not crash the process; the next query reconnects.
  if (ownsPool) pool.on('error', () => {});
  let migrated: Promise<void> | undefined;
  let closed = false;
  const run = async <Row extends unknown[]>(
    client: pg.Pool | pg.PoolClient,
    text: string,
    values: readonly unknown[],
    prepared = true,
  ): Promise<Row[]> => {
    try {
      const result = await client.query<Row>({
        ...(prepared ? { name: statementName(text) } : {}),
        text,
        values: values as unknown[],
        rowMode: 'array',
        types: rowTypes,
      });
      return result.rows;
    } catch (error) {
      throw translatePostgresError(error);
    }
  };
  async function inTransaction<T>(work: (query: TransactionQuery) => Promise<T>): Promise<T> {
    if (closed) throw new StoreClosedError();
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw translatePostgresError(error);
    }
    let broken: unknown;
    try {
      await run(client, 'BEGIN', []);
      const result = await work((text, values = [], prepared = true) => run(client, text, values, prepared));
      await run(client, 'COMMIT', []);
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError;
      });
      throw translatePostgresError(error);
    } finally {
      // A connection that failed its rollback is discarded rather than handed to the next caller.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
  const ready = () => {
    if (closed) return Promise.reject(new StoreClosedError());
    migrated ??= migrateSchema(inTransaction, schema).catch((error: unknown) => {
      migrated = undefined;
      throw translatePostgresError(error);
    });
    return migrated;
  };
  const database: PostgresDatabase = {
    pool,
    schema,
    table: (name) => tableName(schema, name),
    ready,
    async rows(text, values = [], prepared = true) {
      await ready();
      return run(pool, text, values, prepared);
    },
    async transaction(work) {
      await ready();
      return inTransaction(work);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (ownsPool) await pool.end();
    },
  };
  return database;
}

/** What every PostgreSQL store takes: a connection of its own, or a database shared with sibling stores. */
export type PostgresStoreOptions = PostgresConnectionOptions | { readonly database: PostgresDatabase };

/** The database a store uses: the one passed in (shared, closed by its owner) or one it opens and closes. */
export function databaseFrom(options: PostgresStoreOptions): {
  readonly database: PostgresDatabase;
  readonly owned: boolean;
} {
  if ('database' in options) return { database: options.database, owned: false };
  return { database: openPostgresDatabase(options), owned: true };
}

const names = new Map<string, string>();

/** Named by a hash of its text, so every database object on a shared pool agrees on each name. */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `ordo_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}
