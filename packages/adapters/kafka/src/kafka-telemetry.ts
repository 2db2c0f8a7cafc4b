import {
  causingTraceContexts,
  getTelemetry,
  type InstrumentDescription,
  type RecordedEvent,
  type TraceCarrier,
} from '@ordo/core';
import type { EachBatchPayload } from 'kafkajs';
import { headerText } from './event-message.js';

export const kafkaInstruments = {
  relayed: {
    name: 'ordo.relay.events',
    description: 'Events the relay produced and Kafka acknowledged.',
    unit: '{event}',
  },
  relayDuration: { name: 'ordo.relay.send.duration', description: 'Time to produce one relay batch.', unit: 's' },
  relayLag: {
    name: 'ordo.relay.lag',
    description: 'Positions between the event store head and what Kafka acknowledged.',
    unit: '{event}',
  },
  consumed: {
    name: 'ordo.kafka.consumer.records',
    description: 'Records a consumer batch delivered.',
    unit: '{record}',
  },
} satisfies Record<string, InstrumentDescription>;

const maxLinks = 32;

/** Produces one relay batch in a `send <topic>` producer span linked to the events' commands. */
export function traceRelaySend(
  topic: string,
  batch: readonly RecordedEvent[],
  send: () => Promise<void>,
): Promise<void> {
  const telemetry = getTelemetry();
  if (!telemetry.enabled) return send();
  const links = causingTraceContexts(batch, maxLinks);
  const started = performance.now();
  const attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': topic };
  return telemetry.span(
    `send ${topic}`,
    {
      kind: 'producer',
      links,
      attributes: {
        ...attributes,
        'messaging.operation.type': 'send',
        'messaging.batch.message_count': batch.length,
        'ordo.batch.first_position': batch[0]?.position,
        'ordo.batch.last_position': batch.at(-1)?.position,
      },
    },
    async () => {
      await send();
      telemetry.counter(kafkaInstruments.relayed).add(batch.length, attributes);
      telemetry.histogram(kafkaInstruments.relayDuration).record((performance.now() - started) / 1000, attributes);
    },
  );
}

/** Observes the relay's lag (store head minus acknowledged position) at each collection. */
export function observeRelayLag(topic: string, lag: () => Promise<number>): () => void {
  return getTelemetry().observeGauges([kafkaInstruments.relayLag], async (record) => {
    record(kafkaInstruments.relayLag.name, await lag(), { 'messaging.destination.name': topic });
  });
}

/** Runs one kafkajs `eachBatch` in a `process <topic>` consumer span linked to the records' commands. */
export function traceConsumerBatch(
  groupId: string,
  payload: EachBatchPayload,
  eachBatch: (payload: EachBatchPayload) => Promise<void>,
): Promise<void> {
  const telemetry = getTelemetry();
  if (!telemetry.enabled) return eachBatch(payload);
  const { batch } = payload;
  const links: TraceCarrier[] = [];
  for (const message of batch.messages) {
    const traceparent = headerText(message.headers, 'traceparent');
    if (traceparent === undefined) continue;
    const tracestate = headerText(message.headers, 'tracestate');
    links.push(tracestate === undefined ? { traceparent } : { traceparent, tracestate });
    if (links.length >= maxLinks) break;
  }
  const attributes = {
    'messaging.system': 'kafka',
    'messaging.destination.name': batch.topic,
    'messaging.consumer.group.name': groupId,
    'messaging.destination.partition.id': String(batch.partition),
  };
  telemetry.counter(kafkaInstruments.consumed).add(batch.messages.length, attributes);
  return telemetry.span(
    `process ${batch.topic}`,
    {
      kind: 'consumer',
      links,
      attributes: {
        ...attributes,
        'messaging.operation.type': 'process',
        'messaging.batch.message_count': batch.messages.length,
        'messaging.kafka.offset': batch.firstOffset() ?? undefined,
      },
    },
    () => eachBatch(payload),
  );
}
