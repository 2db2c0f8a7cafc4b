import { AppendSignal } from '@ordo/core';
import type Database from 'better-sqlite3';

/**
 * Wakes subscriptions when events are committed: at once for writes on this connection, and
 * within `pollIntervalMs` for writes by other connections or processes.
 */
export interface SqliteChangeWatcher {
  readonly signal: AppendSignal;
  /** The token to note before a read: checks other connections' commits first, so none is missed. */
  version(): number;
  /** Resolves once `signal` moved past `seenVersion`, or when `abort` fires. */
  waitForChange(seenVersion: number, abort: AbortSignal): Promise<void>;
}

const watchers = new WeakMap<Database.Database, SqliteChangeWatcher>();

/** The watcher shared by every store on `database`, so an append wakes all of their subscribers. */
export function sqliteChangeWatcher(database: Database.Database, pollIntervalMs: number): SqliteChangeWatcher {
  let watcher = watchers.get(database);
  if (watcher === undefined) {
    watcher = createChangeWatcher(database, pollIntervalMs);
    watchers.set(database, watcher);
  }
  return watcher;
}

function createChangeWatcher(database: Database.Database, pollIntervalMs: number): SqliteChangeWatcher {
  const signal = new AppendSignal();
  const dataVersion = database.prepare('PRAGMA data_version').pluck();
  let waiting = 0;
  let timer: NodeJS.Timeout | undefined;
  let lastSeen = database.open ? (dataVersion.get() as number) : 0;

  // Polling data_version (a counter in shared memory, ~1 µs) only while someone waits is portable
  // and cannot miss a commit, unlike fs.watch on a -wal file that SQLite resets and deletes.
  const poll = () => {
    if (!database.open) return stop();
    const version = dataVersion.get() as number;
    if (version !== lastSeen) {
      lastSeen = version;
      signal.notify();
    }
  };
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  return {
    signal,
    version() {
      if (database.open) poll();
      return signal.version;
    },
    async waitForChange(seenVersion, abort) {
      if (waiting === 0 && database.open) timer = setInterval(poll, pollIntervalMs);
      waiting += 1;
      try {
        await signal.changedSince(seenVersion, abort);
      } finally {
        waiting -= 1;
        if (waiting === 0) stop();
      }
    },
  };
}
