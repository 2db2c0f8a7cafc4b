import {
  backoffDelay,
  type EventSubscription,
  matchesFilter,
  type RecordedEvent,
  type SubscribeOptions,
  sleep,
} from '@ordo/core';
import { isResubscribable } from './error-translation.js';
import type { EsdbClient, EsdbResolvedEvent, EsdbSubscription } from './esdb-client.js';
import { toServerFilter } from './esdb-filter.js';
import { readPositionAfter, toOrdoPosition } from './esdb-position.js';
import { isSystemEvent, toRecordedEvent } from './event-mapping.js';

export interface ResubscribeOptions {
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Consecutive failed attempts before the subscription gives up and throws. Default: never gives up. */
  readonly maxAttempts?: number;
  /** Told about every drop, for logs and metrics. */
  readonly onDrop?: (error: unknown, attempt: number) => void;
}

export interface EsdbSubscriptionOptions extends SubscribeOptions {
  readonly client: EsdbClient;
  readonly resubscribe?: ResubscribeOptions;
  /** The server sends a checkpoint after this many events it considered (matching or not). Default 32. */
  readonly checkpointEvery?: number;
}

type Next = IteratorResult<EsdbResolvedEvent, undefined>;

/**
 * A `$all` catch-up subscription with a server-side filter. Checkpoints the server sends through
 * filtered ranges reach `onCheckpoint` only once every event before them was consumed, and a
 * dropped subscription re-opens after its last position with exponential backoff and jitter.
 */
export function createEsdbSubscription(options: EsdbSubscriptionOptions): EventSubscription {
  const { client, filter } = options;
  const backoff = {
    initialDelayMs: options.resubscribe?.initialDelayMs ?? 100,
    maxDelayMs: options.resubscribe?.maxDelayMs ?? 10_000,
  };
  const maxAttempts = options.resubscribe?.maxAttempts ?? Number.POSITIVE_INFINITY;
  const closed = new AbortController();
  const whenClosed = new Promise<Next>((resolve) =>
    closed.signal.addEventListener('abort', () => resolve({ done: true, value: undefined }), { once: true }),
  );
  let current: EsdbSubscription | undefined;

  async function* follow(): AsyncGenerator<RecordedEvent> {
    let cursor = options.after ?? 0;
    let attempt = 0;
    while (!closed.signal.aborted) {
      let pending: number | undefined;
      let waiting = false;
      const checkpoint = (position: number) => {
        if (position <= cursor) return;
        cursor = position;
        options.onCheckpoint?.(position);
      };
      const subscription: EsdbSubscription = client.subscribeToAll({
        fromPosition: readPositionAfter(cursor),
        filter: {
          ...toServerFilter(filter, options.checkpointEvery),
          // Events before this checkpoint may still sit in the buffer: report it once they are consumed.
          checkpointReached: (_subscription, at) => {
            const position = toOrdoPosition(at);
            if (waiting && subscription.readableLength === 0) checkpoint(position);
            else pending = Math.max(pending ?? 0, position);
          },
        },
      });
      current = subscription;
      let failure: unknown;
      try {
        const iterator = subscription[Symbol.asyncIterator]();
        while (!closed.signal.aborted) {
          if (pending !== undefined && subscription.readableLength === 0) {
            checkpoint(pending);
            pending = undefined;
          }
          waiting = true;
          const next = await Promise.race([iterator.next() as Promise<Next>, whenClosed]);
          waiting = false;
          if (next.done) break;
          attempt = 0;
          const raw = next.value.event;
          if (raw?.position === undefined) continue;
          const position = toOrdoPosition(raw.position);
          if (pending !== undefined && pending < position) {
            checkpoint(pending);
            pending = undefined;
          }
          if (position <= cursor) continue;
          if (isSystemEvent(raw)) {
            cursor = position;
            continue;
          }
          const event = toRecordedEvent(raw);
          cursor = position;
          if (matchesFilter(event, filter)) yield event;
        }
      } catch (error) {
        if (closed.signal.aborted) return;
        if (!isResubscribable(error)) throw error;
        failure = error;
      } finally {
        waiting = false;
        await subscription.unsubscribe().catch(() => undefined);
      }
      if (closed.signal.aborted) return;
      attempt += 1;
      options.resubscribe?.onDrop?.(failure ?? new Error('subscription ended'), attempt);
      if (attempt > maxAttempts) throw failure ?? new Error('EventStoreDB subscription ended repeatedly');
      await sleep(backoffDelay(attempt - 1, backoff), closed.signal);
    }
  }

  const iterator = follow();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      closed.abort();
      await current?.unsubscribe().catch(() => undefined);
      await iterator.return(undefined);
    },
  };
}
