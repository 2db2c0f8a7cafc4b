import { backoffDelay, type EventFilter, type EventStore, type RecordedEvent, sleep } from '@ordo/core';
import type { CheckpointStore } from '@ordo/projections';
import { type Kafka, type Message, Partitioners, type RecordMetadata } from 'kafkajs';
import { toKafkaMessage, toWatermarkMessage } from './event-message.js';
import { lingerBatches } from './linger-batches.js';

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
  /** The relay builds an idempotent producer from this client... */
  readonly kafka?: Pick<Kafka, 'producer'>;
  /** ...or uses this one as is (then it must be idempotent with acks -1 for the guarantees below). */
  readonly producer?: RelayProducer;
  /** Checkpoint key; give each relay of the same topic its own. */
  readonly name?: string;
  readonly filter?: EventFilter;
  /** Events per Kafka request. Default 500. */
  readonly batchSize?: number;
  /** How long a batch waits for more events once it has one. Default 5 ms. */
  readonly lingerMs?: number;
  /**
   * The topic's partition count. When given, a batch smaller than `batchSize` (the relay has caught
   * up) also carries a watermark record per partition, so consumers of idle partitions see they are
   * at the head (lag, `waitFor`). Records with the `ordo-watermark` header carry no event.
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

/** A producer whose retries never reorder or duplicate within a session (Kafka's idempotent producer). */
export function createIdempotentProducer(kafka: Pick<Kafka, 'producer'>): RelayProducer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Kafka's murmur2 partitioner, the same function as @ordo/projections' partitioner.
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
  const { store, topic, checkpoints } = options;
  const key = options.name ?? `relay:${topic}`;
  const producer =
    options.producer ?? (options.kafka === undefined ? undefined : createIdempotentProducer(options.kafka));
  if (producer === undefined) throw new TypeError('createKafkaRelay needs `kafka` or `producer`');
  const retry = options.retry ?? { initialDelayMs: 200, maxDelayMs: 10_000 };
  const batchSize = options.batchSize ?? 500;
  const partitions = options.partitions;
  let position = 0;
  let stopped = new AbortController();
  let running: Promise<void> | undefined;
  const waiters = new Set<{ position: number; resolve: () => void }>();

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

  // Saves run one after another, so the stored checkpoint only ever moves forward.
  let saving: Promise<void> = Promise.resolve();
  const save = (at: number) => {
    saving = saving.then(() => record(at));
    return saving;
  };

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
      const batches = lingerBatches(counted, { maxSize: batchSize, lingerMs: options.lingerMs ?? 5 });
      for await (const batch of batches) {
        const messages: Message[] = batch.map(toKafkaMessage);
        const last = batch[batch.length - 1]?.position ?? 0;
        if (partitions !== undefined && batch.length < batchSize) {
          for (let partition = 0; partition < partitions; partition += 1) {
            messages.push(toWatermarkMessage(partition, last));
          }
        }
        await producer?.send({ topic, acks: -1, messages });
        sent += batch.length;
        let through = last;
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
      stopped = new AbortController();
      await producer.connect();
      position = (await checkpoints.load(key)).get(0) ?? 0;
      running = loop(stopped.signal);
    },
    async stop() {
      stopped.abort();
      // An idempotent producer retries a send for ever; disconnecting ends one stuck on a down broker.
      await producer.disconnect();
      await running;
      running = undefined;
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
