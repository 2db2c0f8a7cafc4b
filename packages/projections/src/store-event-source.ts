import type { EventStore, RecordedEvent } from '@ordo/core';
import { BatchChannel } from './batch-channel.js';
import type { PartitionedEventSource, PartitionedFeed, SourceBatch, SourceRequest } from './event-source.js';

export interface StoreEventSourceOptions {
  /** Events fetched per store round trip. */
  readonly readBatchSize?: number;
  /** Batches queued per partition before the reader waits. */
  readonly queuedBatches?: number;
}

/**
 * The embedded source: one reader over the store's `readAll`, demultiplexed into partitions by
 * the request's `partitionOf`. It sleeps on a subscription once at the head, so it never polls.
 *
 * @example
 * const source = createStoreEventSource(eventStore);
 */
export function createStoreEventSource(
  store: EventStore,
  options: StoreEventSourceOptions = {},
): PartitionedEventSource {
  return {
    headPosition: () => store.headPosition(),
    open: (request) => openFeed(store, request, options),
  };
}

function openFeed(store: EventStore, request: SourceRequest, options: StoreEventSourceOptions): PartitionedFeed {
  const channels = Array.from(
    { length: request.partitions },
    () => new BatchChannel<SourceBatch>(options.queuedBatches ?? 4),
  );
  const closed = new AbortController();
  const readBatchSize = options.readBatchSize ?? Math.max(request.maxBatchSize, 1000);
  const filter = request.eventTypes === undefined ? undefined : { eventTypes: request.eventTypes };
  const after = request.after;

  async function pump(): Promise<void> {
    const pending: RecordedEvent[][] = channels.map(() => []);
    let cursor = Math.min(...after);
    while (!closed.signal.aborted) {
      const head = await store.headPosition();
      const target = request.follow ? head : Math.min(head, request.to ?? head);
      if (cursor < target) {
        const events = store.readAll({
          after: cursor,
          to: target,
          batchSize: readBatchSize,
          ...(filter && { filter }),
        });
        for await (const event of events) {
          if (closed.signal.aborted) return;
          const partition = request.partitionOf(event);
          if (event.position <= (after[partition] as number)) continue;
          const batch = pending[partition] as RecordedEvent[];
          batch.push(event);
          if (batch.length >= request.maxBatchSize) {
            pending[partition] = [];
            await (channels[partition] as BatchChannel<SourceBatch>).push({ events: batch, scannedTo: event.position });
          }
        }
        cursor = target;
        for (let partition = 0; partition < channels.length; partition += 1) {
          const batch = pending[partition] as RecordedEvent[];
          pending[partition] = [];
          await (channels[partition] as BatchChannel<SourceBatch>).push({ events: batch, scannedTo: target });
        }
      }
      if (!request.follow) break;
      await waitForAppend(store, cursor, closed.signal);
    }
  }

  const done = pump().finally(() => {
    for (const channel of channels) channel.close();
  });
  // The runner observes failures through `batches`; keep an unobserved rejection from crashing.
  done.catch(() => {});

  return {
    batches(partition) {
      const channel = channels[partition];
      if (channel === undefined) throw new RangeError(`No partition ${partition}`);
      return {
        async *[Symbol.asyncIterator]() {
          yield* channel;
          await done;
        },
      };
    },
    async close() {
      closed.abort();
      for (const channel of channels) channel.close();
      await done.catch(() => {});
    },
  };
}

/** Resolves once an event exists after `position`, or on abort. */
async function waitForAppend(store: EventStore, position: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const subscription = store.subscribe({ after: position, batchSize: 1 });
  const stop = () => void subscription.close();
  signal.addEventListener('abort', stop, { once: true });
  try {
    await subscription[Symbol.asyncIterator]().next();
  } finally {
    signal.removeEventListener('abort', stop);
    await subscription.close();
  }
}
