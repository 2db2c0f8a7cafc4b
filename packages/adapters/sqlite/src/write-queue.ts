import type Database from 'better-sqlite3';
import { translateSqliteError } from './errors.js';

/** Synchronous write work. It may run twice (when SQLite aborts a whole group), so it must derive everything from the database. */
export type WriteWork<T> = (database: Database.Database) => T;

/**
 * Group commit for one connection: writes queued in the same turn of the event loop share one
 * `BEGIN IMMEDIATE … COMMIT` (so one fsync), each inside its own savepoint so a failing write
 * rolls back only itself. Every store on a connection shares its queue.
 */
export interface SqliteWriteQueue {
  /** Runs `work` in the next group transaction; resolves with its result once that transaction committed. */
  run<T>(work: WriteWork<T>): Promise<T>;
  /** Resolves once every write queued so far has settled. */
  drain(): Promise<void>;
  /** Counters since the connection opened: group transactions begun and writes run in them. */
  readonly stats: { readonly transactions: number; readonly writes: number };
}

interface Job {
  readonly work: WriteWork<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

const maxGroupSize = 1024;
const queues = new WeakMap<Database.Database, SqliteWriteQueue>();

/**
 * The write queue shared by every store on `database`.
 *
 * @example
 * const saved = await sqliteWriteQueue(database).run((db) => db.prepare('UPDATE t SET n = n + 1').run().changes);
 */
export function sqliteWriteQueue(database: Database.Database): SqliteWriteQueue {
  let queue = queues.get(database);
  if (queue === undefined) {
    queue = createWriteQueue(database);
    queues.set(database, queue);
  }
  return queue;
}

function createWriteQueue(database: Database.Database): SqliteWriteQueue {
  const stats = { transactions: 0, writes: 0 };
  let pending: Job[] = [];
  let scheduled = false;
  const drainers: Array<() => void> = [];
  let statements: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'undo', Database.Statement>;

  const prepare = () => {
    statements ??= {
      begin: database.prepare('BEGIN IMMEDIATE'),
      commit: database.prepare('COMMIT'),
      rollback: database.prepare('ROLLBACK'),
      savepoint: database.prepare('SAVEPOINT ordo_write'),
      release: database.prepare('RELEASE ordo_write'),
      undo: database.prepare('ROLLBACK TO ordo_write'),
    };
    return statements;
  };

  function rollbackQuietly(): void {
    if (database.open && database.inTransaction) prepare().rollback.run();
  }

  /** Runs one group; returns the jobs to run again because SQLite rolled the whole transaction back. */
  function runGroup(group: Job[]): Job[] {
    let s: typeof statements;
    try {
      s = prepare();
      s.begin.run();
      stats.transactions += 1;
      stats.writes += group.length;
    } catch (error) {
      for (const job of group) job.reject(translateSqliteError(error));
      return [];
    }
    const single = group.length === 1;
    const done: Array<{ job: Job; value: unknown }> = [];
    const failed: Array<{ job: Job; error: unknown }> = [];
    for (const [index, job] of group.entries()) {
      if (!single) s.savepoint.run();
      try {
        const value = job.work(database);
        if (!single) s.release.run();
        done.push({ job, value });
      } catch (error) {
        failed.push({ job, error });
        // SQLITE_FULL and I/O errors may roll back the whole transaction: the others must run again.
        if (!database.inTransaction) {
          job.reject(translateSqliteError(error));
          return [...done.map((entry) => entry.job), ...group.slice(index + 1)];
        }
        if (single) {
          s.rollback.run();
        } else {
          s.undo.run();
          s.release.run();
        }
      }
    }
    try {
      if (database.inTransaction) s.commit.run();
    } catch (error) {
      rollbackQuietly();
      const reason = translateSqliteError(error);
      for (const { job } of done) job.reject(reason);
      for (const { job, error: own } of failed) job.reject(translateSqliteError(own));
      return [];
    }
    for (const { job, value } of done) job.resolve(value);
    for (const { job, error } of failed) job.reject(translateSqliteError(error));
    return [];
  }

  function flush(): void {
    scheduled = false;
    while (pending.length > 0) {
      const group = pending.slice(0, maxGroupSize);
      pending = pending.slice(group.length);
      const again = runGroup(group);
      if (again.length > 0) pending = [...again, ...pending];
    }
    for (const wake of drainers.splice(0)) wake();
  }

  return {
    stats,
    run<T>(work: WriteWork<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          // setImmediate (not a microtask) lets every caller of this turn, awaiting reads, join the group.
          setImmediate(flush);
        }
      });
    },
    drain() {
      if (!scheduled && pending.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => drainers.push(resolve));
    },
  };
}
