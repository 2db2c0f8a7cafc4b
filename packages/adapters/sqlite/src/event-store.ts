import {
  type AppendResult,
  createCatchUpSubscription,
  type EventStore,
  type EventSubscription,
  type RecordedEvent,
  timeOrderedUuid,
  withCanonicalEventIds,
} from '@ordo/core';
import type Database from 'better-sqlite3';
import { createAppendBatch } from './append-batch.js';
import { sqliteChangeWatcher } from './change-watcher.js';
import { migrateSqliteDatabase, openSqliteDatabase, type SqliteDatabaseOptions } from './database.js';
import { StoreClosedError, translateSqliteError } from './errors.js';
import { createEventReader } from './event-reader.js';
import { serializeEvents, toRecordedEvent } from './event-row.js';
import { pagedIterable } from './paged-iterable.js';
import { sqliteWriteQueue } from './write-queue.js';

interface SqliteEventStoreTuning {
  /** How often a waiting subscription checks for commits by other processes. Default 50 ms. */
  readonly pollIntervalMs?: number;
  /** Events fetched per statement by `readStream` / `readAll` / `subscribe`. Default 1000. */
  readonly pageSize?: number;
}

/** Either a file to open (the store owns and closes the connection) or a shared, already open one. */
export type SqliteEventStoreOptions =
  | (SqliteDatabaseOptions & SqliteEventStoreTuning)
  | ({ readonly database: Database.Database } & SqliteEventStoreTuning);

/** The durable embedded event store; `database` lets sibling stores share its file and connection. */
export interface SqliteEventStore extends EventStore {
  readonly database: Database.Database;
}

/**
 * An event store in one SQLite file (WAL): appends are group-committed and durable when they
 * resolve, positions are gap-free in commit order, and several processes may share the file.
 *
 * @example
 * const store = createSqliteEventStore({ path: 'ordo.db' });
 * await store.appendToStream('account-1', [{ type: 'AccountOpened', data: { owner: 'Ada' } }], { expectedVersion: 'no_stream' });
 * for await (const event of store.readStream('account-1')) console.log(event.type);
 */
export function createSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  const ownsDatabase = !('database' in options);
  const database = 'database' in options ? options.database : openSqliteDatabase(options);
  if (!ownsDatabase) migrateSqliteDatabase(database);
  const pageSize = atLeastOne(options.pageSize ?? 1000);
  const appendBatch = createAppendBatch(database);
  const reader = createEventReader(database);
  const writes = sqliteWriteQueue(database);
  const watcher = sqliteChangeWatcher(database, options.pollIntervalMs ?? 50);
  const subscriptions = new Set<EventSubscription>();
  let closing = false;
  let closed = false;

  const read = <T>(run: () => T): T => {
    if (closed) throw new StoreClosedError();
    try {
      return run();
    } catch (error) {
      throw translateSqliteError(error, database.name);
    }
  };

  return {
    database,

    async appendToStream(streamId, given, appendOptions = {}): Promise<AppendResult> {
      if (closing) throw new StoreClosedError();
      const events = withCanonicalEventIds(given);
      const serialized = serializeEvents(events, timeOrderedUuid);
      const expectedVersion = appendOptions.expectedVersion ?? 'any';
      const result = await writes.run(() => appendBatch({ streamId, events, serialized, expectedVersion }));
      // Not `result.events`: reading it would parse what the caller may never look at.
      if (serialized.length > 0) watcher.signal.notify();
      return result;
    },

    readStream(streamId, readOptions = {}) {
      const pages = reader.readStreamPages(streamId, readOptions, pageSize);
      return pagedIterable(
        () => {
          const next = read(() => pages.next());
          return next.done === true ? undefined : next.value;
        },
        (row) => toRecordedEvent(row, streamId),
      );
    },

    async *readAll(readOptions = {}) {
      const batchSize = atLeastOne(readOptions.batchSize ?? pageSize);
      const to = readOptions.to ?? Number.MAX_SAFE_INTEGER;
      let after = readOptions.after ?? 0;
      while (true) {
        const page = read(() => reader.readPage(after, to, batchSize, readOptions.filter));
        if (page.scannedTo <= after) return;
        after = page.scannedTo;
        yield* page.events;
      }
    },

    subscribe(subscribeOptions = {}) {
      if (closing) throw new StoreClosedError();
      const batchSize = atLeastOne(subscribeOptions.batchSize ?? pageSize);
      const subscription = createCatchUpSubscription({
        after: subscribeOptions.after ?? 0,
        onCheckpoint: subscribeOptions.onCheckpoint,
        appendVersion: () => read(() => watcher.version()),
        waitForAppend: (seen, signal) => watcher.waitForChange(seen, signal),
        // An empty page means "caught up" to the subscription, so scan windows until a match or the head.
        async readPage(after) {
          const next = (from: number) =>
            read(() => reader.readPage(from, Number.MAX_SAFE_INTEGER, batchSize, subscribeOptions.filter));
          let page = next(after);
          while (page.events.length === 0 && page.scannedTo > after && !closing) {
            after = page.scannedTo;
            await new Promise((resolve) => setImmediate(resolve));
            page = next(after);
          }
          return page;
        },
      });
      subscriptions.add(subscription);
      return {
        [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
        async close() {
          subscriptions.delete(subscription);
          await subscription.close();
        },
      };
    },

    async headPosition() {
      return read(() => reader.headPosition());
    },

    async findCommand(streamId, commandId): Promise<readonly RecordedEvent[]> {
      return read(() => reader.findCommand(streamId, commandId));
    },

    async close() {
      if (closing) return;
      closing = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      await writes.drain();
      closed = true;
      if (ownsDatabase) database.close();
    },
  };
}

/** A page of zero rows would read as "scanned this far, found nothing" and skip events. */
function atLeastOne(size: number): number {
  return Math.max(1, Math.floor(size));
}
