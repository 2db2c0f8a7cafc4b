import type { RecordedEvent } from '@ordo/core';
import type { ConsoleEventReader } from './console-options.js';

export interface CorrelationSearch {
  readonly events: readonly RecordedEvent[];
  /** The oldest position scanned: events before it were not searched. */
  readonly scannedFrom: number;
  readonly headPosition: number;
}

/**
 * Every event of a correlation id (a command and all it caused: a transfer's saga, say) among the
 * newest `scanLimit` events, in position order. Stores index no metadata, so this is a bounded scan.
 */
export async function findCorrelated(
  events: ConsoleEventReader,
  correlationId: string,
  options: { readonly scanLimit: number; readonly maxResults: number },
): Promise<CorrelationSearch> {
  const headPosition = await events.headPosition();
  const after = Math.max(0, headPosition - options.scanLimit);
  const found: RecordedEvent[] = [];
  for await (const event of events.readAll({ after, to: headPosition, batchSize: 1_000 })) {
    if (event.metadata.correlationId !== correlationId) continue;
    found.push(event);
    if (found.length >= options.maxResults) break;
  }
  return { events: found, scannedFrom: after + 1, headPosition };
}
