import {
  type AppendResult,
  createCatchUpSubscription,
  type EventStore,
  type EventSubscription,
  type RecordedEvent,
  sleep,
  timeOrderedUuid,
  withCanonicalEventIds,
} from '@ordo/core';
import { createAppendQueue } from './append-queue.js';
import { createChangeListener } from './change-listener.js';
import { databaseFrom, type PostgresConnectionOptions, type PostgresDatabase } from './database.js';
import { isRetryable, StoreClosedError, translatePostgresError } from './errors.js';
import { createEventReader } from './event-reader.js';
import { encodeBatch } from './event-row.js';
import { refusedAppendSettler } from './refused-append.js';

interface PostgresEventStoreTuning {
  /** How often a waiting subscription polls the head while the LISTEN connection is down. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Events fetched per statement by `readStream` / `readAll` / `subscribe`. Default 1000. */
  readonly pageSize?: number;
}

/** A connection (the store owns its pool) or a database shared with sibling stores. */
export type PostgresEventStoreOptions =
  | (PostgresConnectionOptions & PostgresEventStoreTuning)
  | ({ readonly database: PostgresDatabase } & PostgresEventStoreTuning);

/** The PostgreSQL event store; `database` lets sibling stores share its pool and schema. */
export interface PostgresEventStore extends EventStore {
  readonly database: PostgresDatabase;
  /** Whether live subscriptions are woken by LISTEN/NOTIFY right now (false while polling as a fallback). */
  readonly listening: boolean;
}

/**
 * An event store in PostgreSQL: appends are group-committed and durable when they resolve,
 * positions are gap-free and become visible strictly in order, and any number of processes may
 * write at once. Live subscriptions wake on LISTEN/NOTIFY.
 *
 * @example
 * const store = createPostgresEventStore({ connectionString: 'postgres://postgres@localhost/app' });
 * await store.appendToStream('account-1', [{ type: 'AccountOpened', data: { owner: 'Ada' } }], { expectedVersion: 'no_stream' });
 * for await (const event of store.readStream('account-1')) console.log(event.type);
 */
export function createPostgresEventStore(options: PostgresEventStoreOptions): PostgresEventStore {
  const { database, owned } = databaseFrom(options);
  const pageSize = atLeastOne(options.pageSize ?? 1000);
  const reader = createEventReader(database);
  const appends = createAppendQueue(database, refusedAppendSettler(reader));
  const listener = createChangeListener(database, {
    pollIntervalMs: options.pollIntervalMs ?? 250,
    headPosition: () => reader.headPosition(),
  });
  const subscriptions = new Set<EventSubscription>();
  let closing = false;

  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    if (closing) throw new StoreClosedError();
    try {
      return await work();
    } catch (error) {
      throw translatePostgresError(error);
    }
  };

  return {
    database,
    get listening() {
      return listener.listening;
    },

    async appendToStream(streamId, given, appendOptions = {}): Promise<AppendResult> {
      const events = withCanonicalEventIds(given);
      const batch = encodeBatch(events, timeOrderedUuid);
      const expectedVersion = appendOptions.expectedVersion ?? 'any';
      const result = await guarded(() => appends.run({ streamId, events, batch, expectedVersion }));
      if (batch.ids.length > 0) listener.signal.notify();
      return result;
    },

    async *readStream(streamId, readOptions = {}) {
      if (closing) throw new StoreClosedError();
      try {
        yield* reader.readStream(streamId, readOptions, pageSize);
      } catch (error) {
        throw translatePostgresError(error);
      }
    },

    async *readAll(readOptions = {}) {
      const batchSize = atLeastOne(readOptions.batchSize ?? pageSize);
      const to = readOptions.to ?? Number.MAX_SAFE_INTEGER;
      let after = readOptions.after ?? 0;
      while (true) {
        const page = await guarded(() => reader.readPage(after, to, batchSize, readOptions.filter));
        if (page.scannedTo <= after) return;
        after = page.scannedTo;
        yield* page.events;
      }
    },

    subscribe(subscribeOptions = {}) {
      if (closing) throw new StoreClosedError();
      const batchSize = atLeastOne(subscribeOptions.batchSize ?? pageSize);
      const stopped = new AbortController();
      // A subscription outlives connection drops and restarts: it re-reads from its own cursor, so
      // nothing is lost or repeated; only a non-retryable error ends it.
      const readResiliently = async (after: number) => {
        for (let attempt = 0; ; attempt += 1) {
          try {
            return await guarded(() =>
              reader.readPage(after, Number.MAX_SAFE_INTEGER, batchSize, subscribeOptions.filter),
            );
          } catch (error) {
            if (!isRetryable(error) || stopped.signal.aborted) throw error;
            await sleep(Math.min(2000, 50 * 2 ** Math.min(attempt, 6)), stopped.signal);
            if (stopped.signal.aborted) return { events: [], scannedTo: after };
          }
        }
      };
      const subscription = createCatchUpSubscription({
        after: subscribeOptions.after ?? 0,
        onCheckpoint: subscribeOptions.onCheckpoint,
        appendVersion: () => listener.signal.version,
        waitForAppend: (seen, signal) => listener.waitForChange(seen, signal),
        // An empty page means "caught up" to the subscription, so scan windows until a match or the head.
        async readPage(after) {
          let page = await readResiliently(after);
          while (page.events.length === 0 && page.scannedTo > after && !stopped.signal.aborted) {
            after = page.scannedTo;
            page = await readResiliently(after);
          }
          return page;
        },
      });
      const handle: EventSubscription = {
        [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
        async close() {
          stopped.abort();
          subscriptions.delete(handle);
          await subscription.close();
        },
      };
      subscriptions.add(handle);
      return handle;
    },

    async headPosition() {
      return guarded(() => reader.headPosition());
    },

    async findCommand(streamId, commandId): Promise<readonly RecordedEvent[]> {
      return guarded(() => reader.findCommand(streamId, commandId));
    },

    async close() {
      if (closing) return;
      closing = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      await appends.drain();
      await listener.close();
      if (owned) await database.close();
    },
  };
}

/** A page of zero rows would read as "scanned this far, found nothing" and skip events. */
function atLeastOne(size: number): number {
  return Math.max(1, Math.floor(size));
}
