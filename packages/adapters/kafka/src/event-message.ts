import { type RecordedEvent, storedTraceContext } from '@ordo/core';
import { z } from 'zod';
import { KafkaMessageFormatError } from './errors.js';

/** Header names the relay sets, so consumers can route without parsing the value. */
export const ordoHeaders = {
  id: 'ordo-id',
  type: 'ordo-type',
  position: 'ordo-position',
  streamId: 'ordo-stream-id',
  streamVersion: 'ordo-stream-version',
  schemaVersion: 'ordo-schema-version',
  timestamp: 'ordo-timestamp',
  contentType: 'content-type',
  /** On watermark records only: every event at or below this position is already on the partition. */
  watermark: 'ordo-watermark',
} as const;

const envelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  schemaVersion: z.number().int().min(1),
  streamId: z.string().min(1),
  streamVersion: z.number().int().min(1),
  position: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  timestamp: z.string(),
  data: z.unknown(),
  metadata: z.record(z.string(), z.unknown()),
});

/** The record the relay produces: key = stream id, value = the JSON envelope, routing headers. */
export interface EventRecord {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/** The relay's record for an event; the default partitioner hashes the key like the projection runner. */
export function toKafkaMessage(event: RecordedEvent): EventRecord {
  return {
    key: event.streamId,
    value: JSON.stringify(event),
    headers: {
      [ordoHeaders.id]: event.id,
      [ordoHeaders.type]: event.type,
      [ordoHeaders.position]: String(event.position),
      [ordoHeaders.streamId]: event.streamId,
      [ordoHeaders.streamVersion]: String(event.streamVersion),
      [ordoHeaders.schemaVersion]: String(event.schemaVersion),
      [ordoHeaders.timestamp]: event.timestamp,
      [ordoHeaders.contentType]: 'application/json',
      // The causing command's W3C trace context, so any consumer can link its work to it.
      ...traceHeaders(event),
    },
  };
}

/** The W3C trace-context headers for an event: the command's, as stored in its metadata. */
export function traceHeaders(event: RecordedEvent): Record<string, string> {
  return { ...storedTraceContext(event.metadata) };
}

/**
 * A watermark record for one partition: no event, only the news that the relay has produced
 * everything up to `position`, so consumers of an idle partition learn they are caught up.
 */
export function toWatermarkMessage(partition: number, position: number): EventRecord & { readonly partition: number } {
  return {
    partition,
    key: '',
    value: JSON.stringify({ watermark: position }),
    headers: { [ordoHeaders.watermark]: String(position), [ordoHeaders.contentType]: 'application/json' },
  };
}

/** The position a watermark record carries, or `undefined` for an event record. */
export function watermarkOf(headers: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const text = headerText(headers, ordoHeaders.watermark);
  if (text === undefined) return undefined;
  const position = Number(text);
  return Number.isSafeInteger(position) && position >= 0 ? position : undefined;
}

/** Where a consumed record came from, for error messages. */
export interface RecordOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** Reads a header as text (kafkajs hands them out as Buffers). */
export function headerText(headers: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (first instanceof Uint8Array) return Buffer.from(first).toString('utf8');
  return undefined;
}

/** Parses and validates a consumed record's value into the event envelope. */
export function fromKafkaMessage(value: Uint8Array | string | null, origin: RecordOrigin): RecordedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : Buffer.from(value ?? []).toString('utf8'));
  } catch (error) {
    throw new KafkaMessageFormatError(origin.topic, origin.partition, origin.offset, [
      { path: [], message: `value is not JSON (${(error as Error).message})` },
    ]);
  }
  const result = envelopeSchema.safeParse(parsed);
  if (!result.success)
    throw new KafkaMessageFormatError(origin.topic, origin.partition, origin.offset, result.error.issues);
  return result.data as RecordedEvent;
}
