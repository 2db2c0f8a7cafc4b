import {
  backoffDelay,
  type EventSubscription,
  matchesFilter,
  type RecordedEvent,
  type SubscribeOptions,
  sleep,
} from '@ordo/core';
import { createCheckpointResolver } from './checkpoint-position.js';
import { isResubscribable } from './error-translation.js';
import { EsdbSubscriptionFailedError } from './errors.js';
import type { EsdbClient, EsdbPosition, EsdbSubscription } from './esdb-client.js';
import { toServerFilter } from './esdb-filter.js';
import { assertOwnCommitPosition, resumeFrom, toOrdoPosition } from './esdb-position.js';
import { isSystemEvent, toRecordedEvent } from './event-mapping.js';

export interface ResubscribeOptions {
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /**
   * Consecutive drops without progress before the subscription gives up with
   * `EsdbSubscriptionFailedError`, which its consumer (a projection runner, the relay) reports as its
   * failure. Default 20: with the default full-jitter backoff, an outage of about a minute (2.4 min at most); `Infinity` never gives up.
   */
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

const isAfter = (a: EsdbPosition, b: EsdbPosition) =>
  a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);

/**
 * A `$all` catch-up subscription with a server-side filter. A server checkpoint reaches
 * `onCheckpoint` only once every event before it was consumed, as the position of an event (so it
 * is a valid place to resume), and a dropped subscription re-opens after its last position with
 * exponential backoff and jitter.
 *
 * @example
 * const subscription = createEsdbSubscription({ client, after: checkpoint, filter: { streamIdPrefixes: ['account-'] } });
 * for await (const event of subscription) await project(event);
 */
export function createEsdbSubscription(options: EsdbSubscriptionOptions): EventSubscription {
  const { client, filter } = options;
  const backoff = {
    initialDelayMs: options.resubscribe?.initialDelayMs ?? 100,
    maxDelayMs: options.resubscribe?.maxDelayMs ?? 10_000,
  };
  const maxAttempts = options.resubscribe?.maxAttempts ?? 20;
  const serverFilter = toServerFilter(filter, options.checkpointEvery);
  const resolveCheckpoint = createCheckpointResolver(client, serverFilter);
  const closed = new AbortController();
  let current: EsdbSubscription | undefined;

  async function* follow(): AsyncGenerator<RecordedEvent> {
    let cursor = options.after ?? 0;
    let attempt = 0;
    let previous: EsdbPosition | undefined;
    while (!closed.signal.aborted) {
      let pending: EsdbPosition | undefined;
      let failure: Error | undefined;
      let wake = () => {};
      const wakeUp = () => wake();
      const onError = (error: Error) => {
        failure ??= error;
        wake();
      };
      const subscription = client.subscribeToAll({
        fromPosition: resumeFrom(previous, cursor),
        filter: {
          ...serverFilter,
          // Events before the checkpoint may still be buffered: the loop reports it once they are consumed.
          checkpointReached: (_subscription, at) => {
            if (pending === undefined || isAfter(at, pending)) pending = at;
            wake();
          },
        },
      });
      current = subscription;
      subscription.on('error', onError);
      for (const event of ['readable', 'end', 'close'] as const) subscription.on(event, wakeUp);
      closed.signal.addEventListener('abort', wakeUp);

      const report = async (at: EsdbPosition) => {
        let position: number | undefined;
        try {
          position = await resolveCheckpoint(at, cursor);
        } catch (error) {
          // A failed lookup is the server's or the network's: re-open like a drop.
          failure ??= error as Error;
          throw error;
        }
        if (position === undefined || position <= cursor) return;
        cursor = position;
        attempt = 0;
        options.onCheckpoint?.(position);
      };

      try {
        while (!closed.signal.aborted) {
          const resolved = subscription.read();
          if (resolved === null) {
            if (failure !== undefined) throw failure;
            if (pending !== undefined) {
              // Nothing buffered and the consumer is back here: every event before the checkpoint is done.
              const at = pending;
              pending = undefined;
              await report(at);
              continue;
            }
            if (subscription.readableEnded || subscription.destroyed) break;
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            continue;
          }
          const raw = resolved.event;
          if (raw?.position === undefined) continue;
          if (pending !== undefined && isAfter(raw.position, pending)) {
            const at = pending;
            pending = undefined;
            await report(at);
          }
          assertOwnCommitPosition(previous, raw.position);
          previous = raw.position;
          const position = toOrdoPosition(raw.position);
          if (position <= cursor) continue;
          cursor = position;
          attempt = 0;
          if (isSystemEvent(raw)) continue;
          const event = toRecordedEvent(raw);
          if (matchesFilter(event, filter)) yield event;
        }
      } catch (error) {
        if (closed.signal.aborted) return;
        // Only the server's or the network's failures are retried; anything else is the caller's.
        if (error !== failure || !isResubscribable(error)) throw error;
      } finally {
        closed.signal.removeEventListener('abort', wakeUp);
        for (const event of ['readable', 'end', 'close'] as const) subscription.off(event, wakeUp);
        // Keep a listener: an 'error' emitted after we stop listening would crash the process.
        subscription.off('error', onError);
        subscription.on('error', () => {});
        await subscription.unsubscribe().catch(() => undefined);
      }
      if (closed.signal.aborted) return;
      attempt += 1;
      options.resubscribe?.onDrop?.(failure ?? new Error('subscription ended'), attempt);
      if (attempt > maxAttempts) {
        throw new EsdbSubscriptionFailedError(attempt, failure ?? new Error('the server ended the subscription'));
      }
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
