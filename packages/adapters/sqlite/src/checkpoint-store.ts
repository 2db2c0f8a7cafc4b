import type { CheckpointStore } from '@ordo/projections';
import type Database from 'better-sqlite3';
import { migrateSqliteDatabase, openSqliteDatabase, type SqliteDatabaseOptions } from './database.js';
import { sqliteWriteQueue } from './write-queue.js';

/** Either a file to open (the store owns the connection) or a connection shared with other stores. */
export type SqliteCheckpointStoreOptions = SqliteDatabaseOptions | { readonly database: Database.Database };

export interface SqliteCheckpointStore extends CheckpointStore {
  readonly database: Database.Database;
  /** The statement that moves a checkpoint forward, for a caller already inside a write transaction. */
  saveInTransaction(collection: string, partition: number, position: number): void;
  close(): Promise<void>;
}

/**
 * Projection checkpoints in `ordo_checkpoints`; the SQLite read store writes them in the same
 * transaction as the documents of a batch.
 *
 * @example
 * const checkpoints = createSqliteCheckpointStore({ database: events.database });
 */
export function createSqliteCheckpointStore(options: SqliteCheckpointStoreOptions): SqliteCheckpointStore {
  const ownsDatabase = !('database' in options);
  const database = 'database' in options ? options.database : openSqliteDatabase(options);
  if (!ownsDatabase) migrateSqliteDatabase(database);
  const select = database.prepare('SELECT partition, position FROM ordo_checkpoints WHERE collection = ?').raw();
  const upsert = database.prepare(
    `INSERT INTO ordo_checkpoints (collection, partition, position) VALUES (?, ?, ?)
     ON CONFLICT (collection, partition) DO UPDATE SET position = excluded.position
     WHERE ordo_checkpoints.position < excluded.position`,
  );
  const clear = database.prepare('DELETE FROM ordo_checkpoints WHERE collection = ?');
  const writes = sqliteWriteQueue(database);
  const saveInTransaction = (collection: string, partition: number, position: number) => {
    upsert.run(collection, partition, position);
  };

  return {
    database,
    saveInTransaction,
    async load(collection) {
      const rows = select.all(collection) as [number, number][];
      return new Map(rows);
    },
    async save(collection, partition, position) {
      await writes.run(() => saveInTransaction(collection, partition, position));
    },
    async clear(collection) {
      await writes.run(() => {
        clear.run(collection);
      });
    },
    async close() {
      await writes.drain();
      if (ownsDatabase && database.open) database.close();
    },
  };
}
