import type { RecordedEvent } from '@ordo/core';
import type { DeadLetter, DeadLetterStore, ParkedError } from '@ordo/projections';
import type Database from 'better-sqlite3';
import { migrateSqliteDatabase, openSqliteDatabase, type SqliteDatabaseOptions } from './database.js';
import { sqliteWriteQueue } from './write-queue.js';

export type SqliteDeadLetterStoreOptions = SqliteDatabaseOptions | { readonly database: Database.Database };

export interface SqliteDeadLetterStore extends DeadLetterStore {
  readonly database: Database.Database;
  close(): Promise<void>;
}

type Row = [string, number, number, string, string, string, number, string];

/**
 * Parked projection events in `ordo_dead_letters`, one row per (collection, position).
 *
 * @example
 * const deadLetters = createSqliteDeadLetterStore({ database: events.database });
 */
export function createSqliteDeadLetterStore(options: SqliteDeadLetterStoreOptions): SqliteDeadLetterStore {
  const ownsDatabase = !('database' in options);
  const database = 'database' in options ? options.database : openSqliteDatabase(options);
  if (!ownsDatabase) migrateSqliteDatabase(database);
  const upsert = database.prepare(
    `INSERT INTO ordo_dead_letters (collection, position, partition, partition_key, event, error, attempts, parked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (collection, position) DO UPDATE SET partition = excluded.partition,
       partition_key = excluded.partition_key, event = excluded.event, error = excluded.error,
       attempts = excluded.attempts, parked_at = excluded.parked_at`,
  );
  const list = database
    .prepare(
      `SELECT collection, position, partition, partition_key, event, error, attempts, parked_at FROM ordo_dead_letters
       WHERE collection = @collection AND position > @after
         AND (@partition IS NULL OR partition = @partition) AND (@key IS NULL OR partition_key = @key)
       ORDER BY position LIMIT @limit`,
    )
    .raw();
  const count = database.prepare('SELECT count(*) FROM ordo_dead_letters WHERE collection = ?').pluck();
  const remove = database.prepare('DELETE FROM ordo_dead_letters WHERE collection = ? AND position = ?');
  const clear = database.prepare('DELETE FROM ordo_dead_letters WHERE collection = ?');
  const writes = sqliteWriteQueue(database);

  return {
    database,
    async park(entries) {
      await writes.run(() => {
        for (const e of entries) {
          upsert.run(
            e.collection,
            e.position,
            e.partition,
            e.partitionKey,
            JSON.stringify(e.event),
            JSON.stringify(e.error),
            e.attempts,
            e.parkedAt,
          );
        }
      });
    },
    async list(collection, query = {}) {
      const rows = list.all({
        collection,
        after: query.after ?? -1,
        partition: query.partition ?? null,
        key: query.partitionKey ?? null,
        limit: query.limit ?? -1,
      }) as Row[];
      return rows.map(
        ([name, position, partition, partitionKey, event, error, attempts, parkedAt]): DeadLetter => ({
          collection: name,
          partition,
          partitionKey,
          position,
          event: JSON.parse(event) as RecordedEvent,
          error: JSON.parse(error) as ParkedError,
          attempts,
          parkedAt,
        }),
      );
    },
    async count(collection) {
      return count.get(collection) as number;
    },
    async remove(collection, positions) {
      await writes.run(() => {
        for (const position of positions) remove.run(collection, position);
      });
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
