import type { Deadline, DeadlineStore } from '@ordo/projections';
import type Database from 'better-sqlite3';
import { migrateSqliteDatabase, openSqliteDatabase, type SqliteDatabaseOptions } from './database.js';
import { sqliteWriteQueue } from './write-queue.js';

export type SqliteDeadlineStoreOptions = SqliteDatabaseOptions | { readonly database: Database.Database };

export interface SqliteDeadlineStore extends DeadlineStore {
  readonly database: Database.Database;
  close(): Promise<void>;
}

type Row = [string, string, string, number, number];

const columns = 'id, process_name, process_id, step, due_at';
const toDeadline = ([id, processName, processId, step, dueAt]: Row): Deadline => ({
  id,
  processName,
  processId,
  step,
  dueAt: new Date(dueAt).toISOString(),
});

/**
 * Process-manager deadlines in `ordo_deadlines` (due time in epoch ms, indexed), so they survive
 * restarts and a scheduler in any process sees them.
 *
 * @example
 * const deadlines = createSqliteDeadlineStore({ database: events.database });
 */
export function createSqliteDeadlineStore(options: SqliteDeadlineStoreOptions): SqliteDeadlineStore {
  const ownsDatabase = !('database' in options);
  const database = 'database' in options ? options.database : openSqliteDatabase(options);
  if (!ownsDatabase) migrateSqliteDatabase(database);
  const insert = database.prepare(
    `INSERT INTO ordo_deadlines (${columns}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  const due = database
    .prepare(`SELECT ${columns} FROM ordo_deadlines WHERE due_at <= ? ORDER BY due_at, id LIMIT ?`)
    .raw();
  const next = database.prepare(`SELECT ${columns} FROM ordo_deadlines ORDER BY due_at, id LIMIT 1`).raw();
  const list = database
    .prepare(
      `SELECT ${columns} FROM ordo_deadlines WHERE process_name = @name AND (@id IS NULL OR process_id = @id)
       ORDER BY due_at, id`,
    )
    .raw();
  const remove = database.prepare('DELETE FROM ordo_deadlines WHERE id = ?');
  const writes = sqliteWriteQueue(database);

  return {
    database,
    async schedule(deadline) {
      await writes.run(() => {
        insert.run(deadline.id, deadline.processName, deadline.processId, deadline.step, Date.parse(deadline.dueAt));
      });
    },
    async due(now, limit = 100) {
      return (due.all(now.getTime(), limit) as Row[]).map(toDeadline);
    },
    async next() {
      const row = next.get() as Row | undefined;
      return row === undefined ? undefined : toDeadline(row);
    },
    async list(processName, processId) {
      return (list.all({ name: processName, id: processId ?? null }) as Row[]).map(toDeadline);
    },
    async remove(id) {
      await writes.run(() => {
        remove.run(id);
      });
    },
    async close() {
      await writes.drain();
      if (ownsDatabase && database.open) database.close();
    },
  };
}
