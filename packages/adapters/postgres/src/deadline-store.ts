import type { Deadline, DeadlineStore } from '@ordo/projections';
import { databaseFrom, type PostgresDatabase, type PostgresStoreOptions } from './database.js';
import { InvalidDeadlineError } from './errors.js';

export type PostgresDeadlineStoreOptions = PostgresStoreOptions;

export interface PostgresDeadlineStore extends DeadlineStore {
  readonly database: PostgresDatabase;
  close(): Promise<void>;
}

type Row = [string, string, string, number, string];

const columns = 'id, process_name, process_id, step, due_at';
const toDeadline = ([id, processName, processId, step, dueAt]: Row): Deadline => ({
  id,
  processName,
  processId,
  step,
  dueAt,
});

/**
 * Process-manager deadlines in the `deadlines` table (due time as timestamptz, indexed), so they
 * survive restarts and a scheduler in any process sees them.
 *
 * @example
 * const deadlines = createPostgresDeadlineStore({ database: events.database });
 */
export function createPostgresDeadlineStore(options: PostgresDeadlineStoreOptions): PostgresDeadlineStore {
  const { database, owned } = databaseFrom(options);
  const deadlines = database.table('deadlines');
  const insert = `INSERT INTO ${deadlines} (${columns}) VALUES ($1, $2, $3, $4, $5::timestamptz) ON CONFLICT (id) DO NOTHING`;
  const due = `SELECT ${columns} FROM ${deadlines} WHERE due_at <= $1::timestamptz ORDER BY due_at, id LIMIT $2`;
  const next = `SELECT ${columns} FROM ${deadlines} ORDER BY due_at, id LIMIT 1`;
  const list = `SELECT ${columns} FROM ${deadlines} WHERE process_name = $1 AND ($2::text IS NULL OR process_id = $2)
    ORDER BY due_at, id`;
  const remove = `DELETE FROM ${deadlines} WHERE id = $1`;

  return {
    database,
    async schedule(deadline) {
      const { id, processName, processId, step, dueAt } = deadline;
      const instant = Date.parse(dueAt);
      if (Number.isNaN(instant)) throw new InvalidDeadlineError(id, dueAt);
      await database.rows(insert, [id, processName, processId, step, new Date(instant).toISOString()]);
    },
    async due(now, limit = 100) {
      return (await database.rows<Row>(due, [now.toISOString(), limit])).map(toDeadline);
    },
    async next() {
      const [row] = await database.rows<Row>(next);
      return row === undefined ? undefined : toDeadline(row);
    },
    async list(processName, processId) {
      return (await database.rows<Row>(list, [processName, processId ?? null])).map(toDeadline);
    },
    async remove(id) {
      await database.rows(remove, [id]);
    },
    async close() {
      if (owned) await database.close();
    },
  };
}
