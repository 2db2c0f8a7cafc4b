import type { RecordedEvent } from '@ordo/core';
import type { DeadLetter, DeadLetterStore, ParkedError } from '@ordo/projections';
import { databaseFrom, type PostgresDatabase, type PostgresStoreOptions } from './database.js';

export type PostgresDeadLetterStoreOptions = PostgresStoreOptions;

export interface PostgresDeadLetterStore extends DeadLetterStore {
  readonly database: PostgresDatabase;
  close(): Promise<void>;
}

type Row = [string, number, number, string, string, string, number, string];

/**
 * Parked projection events in the `dead_letters` table, one row per (collection, position).
 *
 * @example
 * const deadLetters = createPostgresDeadLetterStore({ database: events.database });
 */
export function createPostgresDeadLetterStore(options: PostgresDeadLetterStoreOptions): PostgresDeadLetterStore {
  const { database, owned } = databaseFrom(options);
  const letters = database.table('dead_letters');
  const columns = 'collection, position, partition, partition_key, event, error, attempts, parked_at';
  // One statement per batch, whatever its size; the last entry of a position wins, as parking twice should.
  const upsert = `INSERT INTO ${letters} (${columns})
    SELECT DISTINCT ON (u.p) $1, u.p, u.pa, u.k, u.e, u.er, u.a, u.t
    FROM unnest($2::int8[], $3::int4[], $4::text[], $5::jsonb[], $6::jsonb[], $7::int4[], $8::text[]) WITH ORDINALITY
      AS u(p, pa, k, e, er, a, t, n)
    ORDER BY u.p, u.n DESC
    ON CONFLICT (collection, position) DO UPDATE SET partition = excluded.partition,
      partition_key = excluded.partition_key, event = excluded.event, error = excluded.error,
      attempts = excluded.attempts, parked_at = excluded.parked_at`;
  const list = `SELECT ${columns} FROM ${letters}
    WHERE collection = $1 AND position > $2 AND ($3::int4 IS NULL OR partition = $3) AND ($4::text IS NULL OR partition_key = $4)
    ORDER BY position LIMIT $5`;
  const count = `SELECT count(*)::int4 FROM ${letters} WHERE collection = $1`;
  const remove = `DELETE FROM ${letters} WHERE collection = $1 AND position = ANY($2::int8[])`;
  const clear = `DELETE FROM ${letters} WHERE collection = $1`;

  return {
    database,
    async park(entries) {
      const byCollection = new Map<string, DeadLetter[]>();
      for (const entry of entries)
        byCollection.set(entry.collection, [...(byCollection.get(entry.collection) ?? []), entry]);
      for (const [collection, batch] of byCollection) {
        await database.rows(upsert, [
          collection,
          batch.map((e) => e.position),
          batch.map((e) => e.partition),
          batch.map((e) => e.partitionKey),
          batch.map((e) => JSON.stringify(e.event)),
          batch.map((e) => JSON.stringify(e.error)),
          batch.map((e) => e.attempts),
          batch.map((e) => e.parkedAt),
        ]);
      }
    },
    async list(collection, query = {}) {
      const rows = await database.rows<Row>(list, [
        collection,
        query.after ?? -1,
        query.partition ?? null,
        query.partitionKey ?? null,
        query.limit ?? null,
      ]);
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
      const [row] = await database.rows<[number]>(count, [collection]);
      return row?.[0] ?? 0;
    },
    async remove(collection, positions) {
      if (positions.length > 0) await database.rows(remove, [collection, positions]);
    },
    async clear(collection) {
      await database.rows(clear, [collection]);
    },
    async close() {
      if (owned) await database.close();
    },
  };
}
