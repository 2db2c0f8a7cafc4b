import { CliError, exitCodes } from './cli-error.js';
import type { OrdoConfig } from './config.js';

/** The part of a better-sqlite3 connection the lock needs (the SQLite stores expose it as `database`). */
interface SqliteConnection {
  readonly name: string;
  readonly open: boolean;
  pragma(source: string, options?: { simple: boolean }): unknown;
  exec(source: string): unknown;
  prepare(source: string): { get(): unknown };
}

export interface ExclusiveAccess {
  release(): void;
}

const isConnection = (value: unknown): value is SqliteConnection =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as SqliteConnection).pragma === 'function' &&
  typeof (value as SqliteConnection).exec === 'function';

const connectionOf = (store: object): SqliteConnection | undefined => {
  const database = (store as { database?: unknown }).database;
  return isConnection(database) ? database : undefined;
};

/**
 * Makes sure no other process has the store open while projection state is switched or repaired:
 * on SQLite, the shared connection takes the file's EXCLUSIVE lock (every other connection holds a
 * SHARED lock for as long as it is open, so this fails while a server runs). Until `release`,
 * other processes cannot even open the file; they wait on their busy timeout.
 */
export function acquireExclusiveAccess(
  config: OrdoConfig,
  options: { readonly assumeOffline: boolean },
): ExclusiveAccess {
  if (options.assumeOffline) return { release: () => {} };
  const database = connectionOf(config.readStore);
  if (database === undefined) {
    throw new CliError(
      'STORE_LOCK_UNSUPPORTED',
      'This read store offers no way to check that no other process runs the projections; stop them and pass --assume-offline',
    );
  }
  const others = [config.store, config.deadLetters].map(connectionOf).filter((c) => c !== undefined && c !== database);
  if (others.length > 0) {
    throw new CliError(
      'STORE_LOCK_UNSUPPORTED',
      'The config opens several SQLite connections; share one (createSqliteReadStore({ database: events.database }), or openSqliteStores)',
    );
  }
  const busyTimeout = database.pragma('busy_timeout', { simple: true });
  // Long enough to outlast another short `ordo` command, short enough to answer promptly.
  database.pragma('busy_timeout = 1000');
  database.pragma('locking_mode = EXCLUSIVE');
  const unlock = () => {
    database.pragma('locking_mode = NORMAL');
    // The lock is let go at the next read once the mode is NORMAL again.
    database.prepare('SELECT count(*) FROM sqlite_schema').get();
    database.pragma(`busy_timeout = ${Number(busyTimeout)}`);
  };
  try {
    database.exec('BEGIN IMMEDIATE');
    database.exec('COMMIT');
  } catch (error) {
    unlock();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new CliError(
        'STORE_IN_USE',
        `another process has ${database.name} open (a server running the projections?)`,
        exitCodes.storeInUse,
      );
    }
    throw error;
  }
  return { release: () => database.open && unlock() };
}
