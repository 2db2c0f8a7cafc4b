import type { CheckpointStore } from '@ordo/projections';
import { databaseFrom, type PostgresDatabase, type PostgresStoreOptions, type TransactionQuery } from './database.js';

export type PostgresCheckpointStoreOptions = PostgresStoreOptions;

export interface PostgresCheckpointStore extends CheckpointStore {
  readonly database: PostgresDatabase;
  /** Moves a checkpoint forward inside a caller's transaction (the read store's batch commit). */
  saveInTransaction(query: TransactionQuery, collection: string, partition: number, position: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Projection checkpoints in the `checkpoints` table; the PostgreSQL read store writes them in the
 * same transaction as the documents of a batch.
 *
 * @example
 * const checkpoints = createPostgresCheckpointStore({ database: events.database });
 */
export function createPostgresCheckpointStore(options: PostgresCheckpointStoreOptions): PostgresCheckpointStore {
  const { database, owned } = databaseFrom(options);
  const checkpoints = database.table('checkpoints');
  const select = `SELECT partition, position FROM ${checkpoints} WHERE collection = $1`;
  const upsert = `INSERT INTO ${checkpoints} (collection, partition, position) VALUES ($1, $2, $3)
    ON CONFLICT (collection, partition) DO UPDATE SET position = excluded.position
    WHERE ${checkpoints}.position < excluded.position`;
  const clear = `DELETE FROM ${checkpoints} WHERE collection = $1`;

  return {
    database,
    async saveInTransaction(query, collection, partition, position) {
      await query(upsert, [collection, partition, position]);
    },
    async load(collection) {
      return new Map(await database.rows<[number, number]>(select, [collection]));
    },
    async save(collection, partition, position) {
      await database.rows(upsert, [collection, partition, position]);
    },
    async clear(collection) {
      await database.rows(clear, [collection]);
    },
    async close() {
      if (owned) await database.close();
    },
  };
}
