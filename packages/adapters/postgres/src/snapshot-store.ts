import type { Snapshot, SnapshotStore } from '@ordo/core';
import { databaseFrom, type PostgresDatabase, type PostgresStoreOptions } from './database.js';

export type PostgresSnapshotStoreOptions = PostgresStoreOptions;

export interface PostgresSnapshotStore extends SnapshotStore {
  readonly database: PostgresDatabase;
  /** Ends the pool if this store opened it. */
  close(): Promise<void>;
}

/**
 * Snapshots in the `snapshots` table (state as jsonb), one row per stream.
 *
 * @example
 * const events = createPostgresEventStore({ connectionString });
 * const snapshots = createPostgresSnapshotStore({ database: events.database });
 */
export function createPostgresSnapshotStore(options: PostgresSnapshotStoreOptions): PostgresSnapshotStore {
  const { database, owned } = databaseFrom(options);
  const snapshots = database.table('snapshots');
  const select = `SELECT stream_version, state_version, state FROM ${snapshots} WHERE stream_id = $1`;
  // The WHERE clause is shouldReplaceSnapshot from @ordo/core, applied atomically in SQL.
  const upsert = `INSERT INTO ${snapshots} (stream_id, stream_version, state_version, state) VALUES ($1, $2, $3, $4::jsonb)
    ON CONFLICT (stream_id) DO UPDATE SET
      stream_version = excluded.stream_version, state_version = excluded.state_version, state = excluded.state
    WHERE ${snapshots}.state_version <> excluded.state_version OR ${snapshots}.stream_version <= excluded.stream_version`;

  return {
    database,
    async load(streamId): Promise<Snapshot | undefined> {
      const [row] = await database.rows<[number, number, string]>(select, [streamId]);
      if (row === undefined) return undefined;
      return { streamId, streamVersion: row[0], stateVersion: row[1], state: JSON.parse(row[2]) as unknown };
    },
    async save(snapshot) {
      const state = JSON.stringify(snapshot.state) ?? 'null';
      await database.rows(upsert, [snapshot.streamId, snapshot.streamVersion, snapshot.stateVersion, state]);
    },
    async close() {
      if (owned) await database.close();
    },
  };
}
