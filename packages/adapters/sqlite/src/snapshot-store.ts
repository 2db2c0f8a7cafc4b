import type { Snapshot, SnapshotStore } from '@ordo/core';
import type Database from 'better-sqlite3';
import { migrateSqliteDatabase, openSqliteDatabase, type SqliteDatabaseOptions } from './database.js';
import { translateSqliteError } from './errors.js';
import { sqliteWriteQueue } from './write-queue.js';

/** Either a file to open (the store owns the connection) or a connection shared with other stores. */
export type SqliteSnapshotStoreOptions = SqliteDatabaseOptions | { readonly database: Database.Database };

export interface SqliteSnapshotStore extends SnapshotStore {
  readonly database: Database.Database;
  /** Closes the connection if this store opened it. */
  close(): Promise<void>;
}

/**
 * Snapshots in the `ordo_snapshots` table. Saves join the connection's group commit, so a
 * snapshot written beside an append costs no extra fsync.
 *
 * @example
 * const events = createSqliteEventStore({ path: 'ordo.db' });
 * const snapshots = createSqliteSnapshotStore({ database: events.database });
 */
export function createSqliteSnapshotStore(options: SqliteSnapshotStoreOptions): SqliteSnapshotStore {
  const ownsDatabase = !('database' in options);
  const database = 'database' in options ? options.database : openSqliteDatabase(options);
  if (!ownsDatabase) migrateSqliteDatabase(database);
  const select = database
    .prepare('SELECT stream_version, state_version, state FROM ordo_snapshots WHERE stream_id = ?')
    .raw();
  // The WHERE clause is shouldReplaceSnapshot from @ordo/core, applied atomically in SQL.
  const upsert = database.prepare(
    `INSERT INTO ordo_snapshots (stream_id, stream_version, state_version, state) VALUES (?, ?, ?, ?)
     ON CONFLICT (stream_id) DO UPDATE SET
       stream_version = excluded.stream_version, state_version = excluded.state_version, state = excluded.state
     WHERE ordo_snapshots.state_version <> excluded.state_version
        OR ordo_snapshots.stream_version <= excluded.stream_version`,
  );
  const writes = sqliteWriteQueue(database);

  return {
    database,

    async load(streamId): Promise<Snapshot | undefined> {
      let row: [number, number, string] | undefined;
      try {
        row = select.get(streamId) as typeof row;
      } catch (error) {
        throw translateSqliteError(error, database.name);
      }
      if (row === undefined) return undefined;
      return { streamId, streamVersion: row[0], stateVersion: row[1], state: JSON.parse(row[2]) as unknown };
    },

    async save(snapshot) {
      const state = JSON.stringify(snapshot.state) ?? 'null';
      await writes.run(() => {
        upsert.run(snapshot.streamId, snapshot.streamVersion, snapshot.stateVersion, state);
      });
    },

    async close() {
      await writes.drain();
      if (ownsDatabase && database.open) database.close();
    },
  };
}
