import type { RecordedEvent } from '@ordo/core';

/** One consumed record of a partition, decoded: an event or a relay watermark, with its Kafka offset. */
export type KafkaRecord =
  | { readonly offset: string; readonly event: RecordedEvent }
  | { readonly offset: string; readonly watermark: number };

/** A runner-sized piece of a Kafka batch, committed to Kafka (`lastOffset + 1`) once it is written. */
export interface KafkaBatchStep {
  /** Events to hand to the runner, in offset order; empty when the step only reports progress. */
  readonly events: readonly RecordedEvent[];
  /** Every event of the partition at or below this position is handed over, skipped or ignored. */
  readonly scannedTo: number;
  /** Offset of the last record this step accounts for. */
  readonly lastOffset: string;
}

export interface PlanOptions {
  /** Position the runner has committed for the partition: events at or below it are duplicates. */
  readonly after: number;
  readonly eventTypes?: readonly string[] | undefined;
  readonly maxBatchSize: number;
}

/**
 * Turns one Kafka batch of a partition into steps for the runner: duplicates dropped by position,
 * unhandled types dropped, the rest chunked by `maxBatchSize`. Every record belongs to exactly one
 * step, so committing a step's `lastOffset` never passes an event that is not written yet.
 */
export function planKafkaBatch(records: readonly KafkaRecord[], options: PlanOptions): KafkaBatchStep[] {
  const steps: KafkaBatchStep[] = [];
  let events: RecordedEvent[] = [];
  let highest = options.after;
  let scannedTo = 0;
  let lastOffset: string | undefined;
  let open = false;
  for (const record of records) {
    lastOffset = record.offset;
    open = true;
    if ('watermark' in record) {
      scannedTo = Math.max(scannedTo, record.watermark);
      continue;
    }
    const { event } = record;
    scannedTo = Math.max(scannedTo, event.position);
    if (event.position <= highest) continue;
    highest = event.position;
    if (options.eventTypes !== undefined && !options.eventTypes.includes(event.type)) continue;
    events.push(event);
    if (events.length >= options.maxBatchSize) {
      steps.push({ events, scannedTo, lastOffset });
      events = [];
      open = false;
    }
  }
  if (open && lastOffset !== undefined) steps.push({ events, scannedTo, lastOffset });
  return steps;
}
