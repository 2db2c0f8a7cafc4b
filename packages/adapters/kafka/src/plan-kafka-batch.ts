import type { RecordedEvent } from '@ordo/core';

export interface KafkaBatchPlan {
  /** Events to hand to the runner, in offset order, split into runner-sized chunks. */
  readonly chunks: readonly (readonly RecordedEvent[])[];
  /** Highest position seen in the Kafka batch, delivered or not; 0 if none. */
  readonly scannedTo: number;
}

export interface PlanOptions {
  /** Positions of watermark records in the batch: the partition holds every event up to them. */
  readonly watermarks?: readonly number[];
  /** Events at or below this position were applied already (duplicates after a relay crash). */
  readonly after: number;
  readonly eventTypes?: readonly string[] | undefined;
  readonly maxBatchSize: number;
}

/**
 * Turns one Kafka batch of a partition into what the runner receives: duplicates dropped by
 * position, unhandled types dropped, the rest chunked by `maxBatchSize`.
 */
export function planKafkaBatch(events: readonly RecordedEvent[], options: PlanOptions): KafkaBatchPlan {
  const chunks: RecordedEvent[][] = [];
  let chunk: RecordedEvent[] = [];
  let scannedTo = 0;
  let highest = options.after;
  for (const event of events) {
    scannedTo = Math.max(scannedTo, event.position);
    if (event.position <= highest) continue;
    highest = event.position;
    if (options.eventTypes !== undefined && !options.eventTypes.includes(event.type)) continue;
    chunk.push(event);
    if (chunk.length >= options.maxBatchSize) {
      chunks.push(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  for (const watermark of options.watermarks ?? []) scannedTo = Math.max(scannedTo, watermark);
  return { chunks, scannedTo };
}
