import type { RecordedEvent } from './event.js';
import type { EventSubscription } from './event-store.js';

/** One read of a store: the matching events and how far the store was scanned to find them. */
export interface SubscriptionPage {
  readonly events: readonly RecordedEvent[];
  /** Highest position examined, at least the last event's; lets filtered checkpoints advance. */
  readonly scannedTo: number;
}

export interface CatchUpSubscriptionSource {
  readonly after: number;
  readPage(after: number): Promise<SubscriptionPage> | SubscriptionPage;
  /** A token that changes whenever the store may have new events. */
  appendVersion(): number;
  /** Resolves once the token differs from `seenVersion`, or when `signal` aborts. */
  waitForAppend(seenVersion: number, signal: AbortSignal): Promise<void>;
  readonly onCheckpoint?: ((position: number) => void) | undefined;
}

/**
 * Builds a pull-based catch-up subscription: it reads pages from a position and sleeps on the
 * store's append signal once caught up. Pulling keeps memory bounded however slow the consumer.
 */
export function createCatchUpSubscription(source: CatchUpSubscriptionSource): EventSubscription {
  const closed = new AbortController();

  async function* follow(): AsyncGenerator<RecordedEvent> {
    let cursor = source.after;
    while (!closed.signal.aborted) {
      const seenVersion = source.appendVersion();
      const page = await source.readPage(cursor);
      for (const event of page.events) {
        if (closed.signal.aborted) return;
        cursor = event.position;
        yield event;
      }
      if (page.scannedTo > cursor) {
        cursor = page.scannedTo;
        source.onCheckpoint?.(cursor);
      }
      if (page.events.length === 0) await source.waitForAppend(seenVersion, closed.signal);
    }
  }

  const iterator = follow();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      closed.abort();
      await iterator.return(undefined);
    },
  };
}
