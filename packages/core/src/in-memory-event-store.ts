import { AppendSignal } from './append-signal.js';
import { arrayAsyncIterable } from './array-async-iterable.js';
import { createCatchUpSubscription } from './catch-up-subscription.js';
import { DuplicateEventIdError } from './errors.js';
import type { NewEvent, RecordedEvent } from './event.js';
import { matchesFilter } from './event-filter.js';
import { withCanonicalEventIds } from './event-id.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventSubscription,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
} from './event-store.js';
import { assertExpectedVersion } from './expected-version.js';
import { findEarlierAppend } from './idempotent-append.js';
import { timeOrderedUuid } from './time-ordered-uuid.js';

const defaultBatchSize = 512;

/**
 * A complete, process-local implementation of the event store port, for tests, examples and
 * single-process tools. Stored events are deep-frozen copies, so a reader that mutates an
 * event fails loudly instead of corrupting the log.
 *
 * @example
 * const store = createInMemoryEventStore();
 * await store.appendToStream('account-1', [{ type: 'AccountOpened', data: { owner: 'Ada' } }], { expectedVersion: 'no_stream' });
 */
export function createInMemoryEventStore(): EventStore {
  const log: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const byId = new Map<string, RecordedEvent>();
  const byCommand = new Map<string, RecordedEvent[]>();
  const appended = new AppendSignal();

  const commandKey = (streamId: string, commandId: string) => `${streamId}\u0000${commandId}`;

  function appendNow(streamId: string, given: readonly NewEvent[], options: AppendOptions): AppendResult {
    const events = withCanonicalEventIds(given);
    const stream = streams.get(streamId) ?? [];
    const expectedVersion = options.expectedVersion ?? 'any';
    const earlier = findEarlierAppend(streamId, events, expectedVersion, stream.length, (id) => byId.get(id));
    if (earlier !== undefined) {
      const stored = stream.slice(earlier.fromVersion - 1, earlier.toVersion);
      return {
        streamVersion: earlier.toVersion,
        position: stored.at(-1)?.position ?? 0,
        events: stored,
        replayed: true,
      };
    }
    assertExpectedVersion(streamId, expectedVersion, stream.length);

    const timestamp = new Date().toISOString();
    const batchIds = new Set<string>();
    const recorded = events.map((event, index): RecordedEvent => {
      const id = event.id ?? timeOrderedUuid();
      if (byId.has(id) || batchIds.has(id)) throw new DuplicateEventIdError(id);
      batchIds.add(id);
      return deepFreeze({
        id,
        type: event.type,
        schemaVersion: event.schemaVersion ?? 1,
        streamId,
        streamVersion: stream.length + index + 1,
        position: log.length + index + 1,
        timestamp,
        data: structuredClone(event.data),
        metadata: structuredClone(event.metadata ?? {}),
      });
    });

    for (const event of recorded) {
      log.push(event);
      stream.push(event);
      byId.set(event.id, event);
      const commandId = event.metadata.commandId;
      if (commandId !== undefined) {
        const key = commandKey(streamId, commandId);
        byCommand.set(key, [...(byCommand.get(key) ?? []), event]);
      }
    }
    streams.set(streamId, stream);
    if (recorded.length > 0) appended.notify();
    return {
      streamVersion: stream.length,
      position: recorded.at(-1)?.position ?? stream.at(-1)?.position ?? 0,
      events: recorded,
    };
  }

  async function* readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    const to = options.to ?? Number.POSITIVE_INFINITY;
    // Positions are 1-based array offsets here, so "after n" starts at index n.
    for (let index = options.after ?? 0; index < log.length; index += 1) {
      const event = log[index] as RecordedEvent;
      if (event.position > to) return;
      if (matchesFilter(event, options.filter)) yield event;
    }
  }

  return {
    async appendToStream(streamId, events, options = {}) {
      return appendNow(streamId, events, options);
    },

    readStream(streamId: string, options: ReadStreamOptions = {}) {
      return arrayAsyncIterable(() => {
        const stream = streams.get(streamId) ?? [];
        const maxCount = options.maxCount ?? stream.length;
        if (options.direction === 'backward') {
          const highest = Math.min(options.from ?? stream.length, stream.length);
          return stream
            .slice(Math.max(options.to ?? 1, 1) - 1, Math.max(highest, 0))
            .reverse()
            .slice(0, maxCount);
        }
        const highest = Math.min(options.to ?? stream.length, stream.length);
        return stream.slice(Math.max(options.from ?? 1, 1) - 1, Math.max(highest, 0)).slice(0, maxCount);
      });
    },

    readAll,

    subscribe(options: SubscribeOptions = {}): EventSubscription {
      const batchSize = options.batchSize ?? defaultBatchSize;
      return createCatchUpSubscription({
        after: options.after ?? 0,
        onCheckpoint: options.onCheckpoint,
        appendVersion: () => appended.version,
        waitForAppend: (seen, signal) => appended.changedSince(seen, signal),
        readPage(after) {
          const scanned = log.slice(after, after + batchSize);
          return {
            events: scanned.filter((event) => matchesFilter(event, options.filter)),
            scannedTo: scanned.at(-1)?.position ?? after,
          };
        },
      });
    },

    async headPosition() {
      return log.length;
    },

    async findCommand(streamId, commandId) {
      return byCommand.get(commandKey(streamId, commandId)) ?? [];
    },

    async close() {},
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
