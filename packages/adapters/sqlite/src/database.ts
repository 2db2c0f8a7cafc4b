import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { NotAnOrdoDatabaseError, ReadOnlyStoreError, SchemaTooNewError, translateSqliteError } from './errors.js';
import { type Migration, migrations } from './migrations.js';

/** `PRAGMA application_id` of every Ordo file ("ORDO" in ASCII): how a file is recognised as ours. */
export const ordoApplicationId = 0x4f52444f;

export type SqliteSynchronous = 'full' | 'normal' | 'extra';

export interface SqliteDatabaseOptions {
  /** File path, or `':memory:'` for a private throw-away database. */
  readonly path: string;
  /** Opens without write access; every write then fails with `ReadOnlyStoreError`. */
  readonly readonly?: boolean;
  /** `'full'` (default): an acknowledged commit survives power loss. `'normal'`: survives a process crash only. */
  readonly synchronous?: SqliteSynchronous;
  /** How long a writer waits for another process's write lock before `StoreBusyError`. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Caps the file at this many pages (4 KiB each): simulates a full disk in tests. */
  readonly maxPageCount?: number;
}

const sqliteHeader = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Opens (creating if needed) an Ordo SQLite file: WAL journal, the chosen `synchronous` level, a
 * busy timeout, and every pending migration applied. Sibling stores share the returned connection.
 *
 * @example
 * const database = openSqliteDatabase({ path: 'ordo.db' });
 * const events = createSqliteEventStore({ database });
 * const snapshots = createSqliteSnapshotStore({ database });
 */
export function openSqliteDatabase(options: SqliteDatabaseOptions): Database.Database {
  const { path } = options;
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) assertSqliteHeader(path);
  let database: Database.Database;
  try {
    database = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw translateSqliteError(error, path);
  }
  try {
    database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    if (!options.readonly && !inMemory) database.pragma('journal_mode = WAL');
    database.pragma(`synchronous = ${(options.synchronous ?? 'full').toUpperCase()}`);
    // 64 MiB of page cache keeps the event-id and stream indexes hot for appends and loads.
    database.pragma('cache_size = -65536');
    if (options.maxPageCount !== undefined) database.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
    migrateSqliteDatabase(database, path);
    return database;
  } catch (error) {
    database.close();
    throw translateSqliteError(error, path);
  }
}

/**
 * Checks the Ordo marker and applies pending migrations in one write transaction, so two
 * processes opening a new file at once migrate it exactly once.
 */
export function migrateSqliteDatabase(
  database: Database.Database,
  path: string = database.name,
  steps: readonly Migration[] = migrations,
): void {
  const read = () => ({
    applicationId: database.pragma('application_id', { simple: true }) as number,
    version: database.pragma('user_version', { simple: true }) as number,
    objects: (database.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number) ?? 0,
  });
  const check = (state: ReturnType<typeof read>): boolean => {
    const fresh = state.applicationId === 0 && state.version === 0 && state.objects === 0;
    if (!fresh && state.applicationId !== ordoApplicationId) {
      throw new NotAnOrdoDatabaseError(path, 'it holds tables but no Ordo marker (application_id)');
    }
    if (state.version > steps.length) throw new SchemaTooNewError(path, state.version, steps.length);
    return state.version < steps.length;
  };
  if (!check(read())) return;
  if (database.readonly) {
    throw new ReadOnlyStoreError(`${path} needs schema migrations but was opened read-only`);
  }
  database.exec('BEGIN IMMEDIATE');
  try {
    const state = read();
    if (check(state)) {
      for (const step of steps.slice(state.version)) {
        if (typeof step.up === 'string') database.exec(step.up);
        else step.up(database);
      }
      database.pragma(`application_id = ${ordoApplicationId}`);
      database.pragma(`user_version = ${steps.length}`);
    }
    database.exec('COMMIT');
  } catch (error) {
    if (database.inTransaction) database.exec('ROLLBACK');
    throw error;
  }
}

/** Refuses a non-empty file that does not start with SQLite's magic header, before SQLite touches it. */
function assertSqliteHeader(path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return;
  }
  if (size === 0) return;
  const header = Buffer.alloc(sqliteHeader.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!header.equals(sqliteHeader)) throw new NotAnOrdoDatabaseError(path, 'the file is not an SQLite database');
}
