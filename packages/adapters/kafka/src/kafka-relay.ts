import { backoffDelay, type EventFilter, type EventStore, type RecordedEvent, sleep } from '@ordo/core';
import type { CheckpointStore } from '@ordo/projections';
import { type Kafka, type Message, Partitioners, type RecordMetadata } from 'kafkajs';
import { KafkaRecordTooLargeError, KafkaTopicMismatchError } from './errors.js';
import { toKafkaMessage, toWatermarkMessage } from './event-message.js';
import { observeRelayLag, traceRelaySend } from './kafka-telemetry.js';
import { fetchPartitionCount } from './kafka-topic.js';
import { lingerBatches } from './linger-batches.js';
import { recordBytes, splitRecords } from './split-records.js';

/** The producer calls the relay makes; a kafkajs `Producer` fits. */
export interface RelayProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: { topic: string; messages: Message[]; acks?: number }): Promise<RecordMetadata[]>;
}

export interface KafkaRelayOptions {
  readonly store: EventStore;
  readonly topic: string;
  /** Where the relay keeps its position (`relay:<topic>`, partition 0 by default). */
  readonly checkpoints: CheckpointStore;
  /**
   * The relay builds an idempotent producer from this client, and a fresh one after a failed send;
   * with `admin` and `partitions`, it also checks the topic's partition count at start...
   */
  readonly kafka?: Pick<Kafka, 'producer'> & Partial<Pick<Kafka, 'admin'>>;
  /** ...or uses this one as is (idempotent, DefaultPartitioner; the relay cannot renew its session). */
  readonly producer?: RelayProducer;
  /** Checkpoint key; give each relay of the same topic its own. */
  readonly name?: string;
  readonly filter?: EventFilter;
  /** Events per Kafka request. Default 500. */
  readonly batchSize?: number;
  /**
   * Most bytes (keys, values, headers) per produce request. kafkajs writes a partition's records of one
   * request as one record batch, which the broker refuses above the topic's `max.message.bytes`
   * (default 1 MiB). Default 1,000,000.
   */
  readonly maxBatchBytes?: number;
  /** How long a batch waits for more events once it has one. Default 5 ms. */
  readonly lingerMs?: number;
  /**
   * The topic's partition count. When given, every batch also carries a watermark record per
   * partition, so consumers of partitions the batch's events missed see they are at the head (lag,
   * `waitFor`), even when a burst ends exactly on a batch boundary. Records with the
   * `ordo-watermark` header carry no event.
   */
  readonly partitions?: number;
  /** Told about every failed round before the relay retries it from its checkpoint. */
  readonly onError?: (error: unknown) => void;
  readonly retry?: { readonly initialDelayMs: number; readonly maxDelayMs: number };
}

export interface KafkaRelay {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The last position Kafka acknowledged and the checkpoint recorded. */
  readonly position: number;
  /** Resolves once everything up to `position` has been acknowledged by Kafka. */
  whenRelayed(position: number, signal?: AbortSignal): Promise<void>;
}

/**
 * An idempotent producer (acks -1 enforced by kafkajs, one request in flight) with kafkajs's
 * `DefaultPartitioner`: Kafka's murmur2, the same function as @ordo/projections' `partitionFor`.
 * Retries follow the Kafka client's `retry` (kafkajs default 5); the relay recovers from anything beyond.
 */
export function createIdempotentProducer(kafka: Pick<Kafka, 'producer'>): RelayProducer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/**
 * Tails the event store from its checkpoint and produces every event to `topic` with key = stream
 * id, value = the JSON envelope and routing headers. The checkpoint moves only after Kafka
 * acknowledged (acks = -1), so a restart never skips an event; after a crash an event may be
 * produced twice, with the same id and position, and consumers skip it by position.
 *
 * @example
 * const relay = createKafkaRelay({ kafka, store, topic: 'ordo-events', checkpoints });
 * await relay.start();
 */
export function createKafkaRelay(options: KafkaRelayOptions): KafkaRelay {
  const { store, topic, checkpoints, kafka } = options;
  const key = options.name ?? `relay:${topic}`;
  if (options.producer === undefined && kafka === undefined)
    throw new TypeError('createKafkaRelay needs `kafka` or `producer`');
  const retry = options.retry ?? { initialDelayMs: 200, maxDelayMs: 10_000 };
  const batchSize = options.batchSize ?? 500;
  const maxBatchBytes = options.maxBatchBytes ?? 1_000_000;
  const partitions = options.partitions;
  let producer: RelayProducer | undefined = options.producer;
  let position = 0;
  let stopped = new AbortController();
  let running: Promise<void> | undefined;
  let stopObserving: (() => void) | undefined;
  const waiters = new Set<{ position: number; resolve: () => void }>();

  async function connected(): Promise<RelayProducer> {
    if (producer !== undefined) return producer;
    const fresh = createIdempotentProducer(kafka as Pick<Kafka, 'producer'>);
    await fresh.connect();
    producer = fresh;
    return fresh;
  }

  /** After a failed send its sequence numbers may be out of step with the broker: start a new session. */
  async function resetProducer(): Promise<void> {
    if (options.producer !== undefined || producer === undefined) return;
    const old = producer;
    producer = undefined;
    await old.disconnect().catch(() => {});
  }

  /** Records keyed for N partitions on a topic with M would land where the projections never look. */
  async function checkPartitionCount(): Promise<void> {
    if (partitions === undefined || kafka?.admin === undefined) return;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const actual = await fetchPartitionCount(admin, topic);
      if (actual !== partitions) throw new KafkaTopicMismatchError(topic, partitions, actual);
    } finally {
      await admin.disconnect();
    }
  }

  async function record(at: number): Promise<void> {
    if (at <= position) return;
    await checkpoints.save(key, 0, at);
    position = at;
    for (const waiter of [...waiters]) {
      if (waiter.position <= at) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  // Saves run one after another, so the stored checkpoint only ever moves forward; a failed save does not block later ones.
  let saving: Promise<void> = Promise.resolve();
  const save = (at: number) => {
    saving = saving.catch(() => {}).then(() => record(at));
    return saving;
  };

  async function send(batch: readonly RecordedEvent[]): Promise<void> {
    const records = batch.map(toKafkaMessage);
    const groups = splitRecords(records, maxBatchBytes);
    // Every batch moves the head, whether or not more follow: tell every partition where it is now.
    const watermarks = partitions ?? 0;
    const last = batch[batch.length - 1]?.position ?? 0;
    let first = 0;
    for (const [index, group] of groups.entries()) {
      const messages: Message[] = [...group];
      if (index === groups.length - 1) {
        for (let partition = 0; partition < watermarks; partition += 1) {
          messages.push(toWatermarkMessage(partition, last));
        }
      }
      const events = batch.slice(first, first + group.length);
      first += group.length;
      try {
        await (await connected()).send({ topic, acks: -1, messages });
      } catch (error) {
        if (!isTooLarge(error)) throw error;
        const bytes = group.reduce((sum, r) => sum + recordBytes(r), 0);
        throw new KafkaRecordTooLargeError(topic, events[0]?.position ?? 0, events.at(-1)?.position ?? 0, bytes, error);
      }
    }
  }

  async function round(signal: AbortSignal): Promise<void> {
    let pulled = 0;
    let sent = 0;
    // A position the store scanned through, and how many events had been pulled when it said so.
    let scanned: { position: number; pulled: number } | undefined;
    const subscription = store.subscribe({
      after: position,
      ...(options.filter === undefined ? {} : { filter: options.filter }),
      batchSize,
      onCheckpoint: (at) => {
        if (pulled === sent) void save(at).catch(options.onError ?? (() => {}));
        else scanned = { position: at, pulled };
      },
    });
    const source = subscription[Symbol.asyncIterator]();
    const counted: AsyncIterator<RecordedEvent> = {
      next: async () => {
        const result = await source.next();
        if (!result.done) pulled += 1;
        return result;
      },
    };
    const stop = () => void subscription.close();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await connected();
      const batches = lingerBatches(counted, { maxSize: batchSize, lingerMs: options.lingerMs ?? 5 });
      for await (const batch of batches) {
        await traceRelaySend(topic, batch, () => send(batch));
        sent += batch.length;
        let through = batch[batch.length - 1]?.position ?? 0;
        if (scanned !== undefined && scanned.pulled <= sent) {
          through = Math.max(through, scanned.position);
          scanned = undefined;
        }
        await save(through);
      }
    } finally {
      signal.removeEventListener('abort', stop);
      await subscription.close();
    }
  }

  async function loop(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      try {
        await round(signal);
        attempt = 0;
      } catch (error) {
        await resetProducer();
        if (signal.aborted) return;
        options.onError?.(error);
        await sleep(backoffDelay(attempt, retry), signal);
        attempt += 1;
      }
    }
  }

  return {
    get position() {
      return position;
    },
    async start() {
      if (running !== undefined) return;
      await checkPartitionCount();
      stopped = new AbortController();
      await (options.producer?.connect() ?? connected());
      position = (await checkpoints.load(key)).get(0) ?? 0;
      running = loop(stopped.signal);
      stopObserving = observeRelayLag(topic, async () => Math.max(0, (await store.headPosition()) - position));
    },
    async stop() {
      stopObserving?.();
      stopped.abort();
      // A send in flight ends within the producer's retries; disconnecting under it would let kafkajs reconnect.
      await running;
      running = undefined;
      const current = producer;
      if (options.producer === undefined) producer = undefined;
      await current?.disconnect();
    },
    whenRelayed(at, signal) {
      if (at <= position) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const waiter = { position: at, resolve };
        waiters.add(waiter);
        signal?.addEventListener(
          'abort',
          () => {
            waiters.delete(waiter);
            reject(signal.reason);
          },
          { once: true },
        );
      });
    },
  };
}

/** kafkajs passes the broker's MESSAGE_TOO_LARGE / RECORD_LIST_TOO_LARGE through as a non-retriable error. */
function isTooLarge(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE';
}
