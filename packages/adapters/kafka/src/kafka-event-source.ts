import type { RecordedEvent } from '@ordo/core';
import type { PartitionedEventSource, PartitionedFeed, SourceBatch, SourceRequest } from '@ordo/projections';
import type { ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import { AsyncQueue } from './async-queue.js';
import { type CommitOutcome, CommitTracker } from './commit-tracker.js';
import {
  KafkaGroupInUseError,
  KafkaPartitioningError,
  KafkaReplayUnsupportedError,
  KafkaTopicMismatchError,
} from './errors.js';
import { fromKafkaMessage, watermarkOf } from './event-message.js';
import { planKafkaBatch } from './plan-kafka-batch.js';

export interface KafkaEventSourceOptions {
  readonly kafka: Pick<Kafka, 'consumer' | 'admin'>;
  readonly topic: string;
  /**
   * One consumer group per projection version. Default: `<groupIdPrefix><collection>`, e.g.
   * `ordo-accounts_v2`, so a rebuilt version starts its own group and skips what it has by position.
   */
  readonly groupId?: string | ((request: SourceRequest) => string);
  /** Default `ordo-`. */
  readonly groupIdPrefix?: string;
  /** The event store's head, for lag (Kafka offsets are not positions). */
  readonly headPosition: () => Promise<number>;
  /** While a batch is being written, heartbeat this often so the group keeps the member. Default 3 s. */
  readonly heartbeatIntervalMs?: number;
  readonly consumer?: Omit<ConsumerConfig, 'groupId'>;
  /** Told when the consumer fails to start or crashes; the feed's iterables then throw it too. */
  readonly onError?: (error: unknown) => void;
}

/**
 * The projection runner's source on Kafka: one consumer group per projection, each topic partition
 * is one projection partition (same murmur2 partitioner), processed in order. A batch's offsets are
 * committed only after the runner committed its read-model writes, and never once the partition
 * was revoked by a rebalance; duplicates (relay retries, redelivery after a rebalance) are skipped
 * by position. Rebuilds read the event store instead (`follow: false` is refused).
 *
 * @example
 * const source = createKafkaEventSource({ kafka, topic: 'ordo-events', headPosition: () => store.headPosition() });
 */
export function createKafkaEventSource(options: KafkaEventSourceOptions): PartitionedEventSource {
  const groupsInUse = new Set<string>();
  return {
    headPosition: options.headPosition,
    open(request) {
      if (!request.follow) throw new KafkaReplayUnsupportedError();
      const groupId = groupIdOf(options, request);
      if (groupsInUse.has(groupId)) throw new KafkaGroupInUseError(groupId);
      groupsInUse.add(groupId);
      const feed = openFeed(options, request, groupId);
      return {
        ...feed,
        async close() {
          try {
            await feed.close();
          } finally {
            groupsInUse.delete(groupId);
          }
        },
      };
    },
  };
}

function groupIdOf(options: KafkaEventSourceOptions, request: SourceRequest): string {
  if (typeof options.groupId === 'function') return options.groupId(request);
  if (options.groupId !== undefined) return options.groupId;
  if (request.collection === undefined)
    throw new TypeError('The Kafka source needs `groupId` or a request naming its collection');
  return `${options.groupIdPrefix ?? 'ordo-'}${request.collection}`;
}

function openFeed(options: KafkaEventSourceOptions, request: SourceRequest, groupId: string): PartitionedFeed {
  const { topic } = options;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3000;
  const queues = Array.from({ length: request.partitions }, () => new AsyncQueue<SourceBatch>(1));
  const delivered = [...request.after];
  const tracker = new CommitTracker();
  const consumer = options.kafka.consumer({ ...options.consumer, groupId });
  let failure: unknown;
  let closing = false;

  const fail = (error: unknown) => {
    failure ??= error;
    options.onError?.(error);
    for (const queue of queues) queue.close();
  };

  async function waitCommitted(partition: number, position: number, payload: EachBatchPayload): Promise<CommitOutcome> {
    const committed = tracker.waitFor(partition, position);
    while (true) {
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        committed,
        new Promise<'tick'>((resolve) => {
          timer = setTimeout(() => resolve('tick'), heartbeatIntervalMs);
        }),
      ]);
      clearTimeout(timer);
      if (outcome !== 'tick') return outcome;
      if (!payload.isRunning() || closing) return 'revoked';
      // Throws when the group is rebalancing; kafkajs then rejoins without our offsets.
      await payload.heartbeat();
    }
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const generation = tracker.generation;
    const partition = batch.partition;
    const queue = queues[partition];
    if (queue === undefined) throw new KafkaTopicMismatchError(topic, request.partitions, partition + 1);
    const stillOwned = () => payload.isRunning() && !payload.isStale() && tracker.isCurrent(generation) && !closing;
    const events: RecordedEvent[] = [];
    const watermarks: number[] = [];
    for (const message of batch.messages) {
      const watermark = watermarkOf(message.headers);
      if (watermark !== undefined) watermarks.push(watermark);
      else events.push(fromKafkaMessage(message.value, { topic, partition, offset: message.offset }));
    }
    for (const event of events) {
      const expected = request.partitionOf(event);
      if (expected !== partition) throw new KafkaPartitioningError(event.streamId, partition, expected);
    }
    const plan = planKafkaBatch(events, {
      watermarks,
      after: delivered[partition] ?? 0,
      eventTypes: request.eventTypes,
      maxBatchSize: request.maxBatchSize,
    });
    for (const [index, chunk] of plan.chunks.entries()) {
      if (!stillOwned()) return;
      const last = chunk[chunk.length - 1]?.position ?? 0;
      const scannedTo = index === plan.chunks.length - 1 ? Math.max(plan.scannedTo, last) : last;
      if (!(await queue.push({ events: chunk, scannedTo }))) return;
      delivered[partition] = Math.max(delivered[partition] ?? 0, scannedTo);
      if ((await waitCommitted(partition, last, payload)) === 'revoked') return;
    }
    if (plan.chunks.length === 0 && plan.scannedTo > (delivered[partition] ?? 0)) {
      // Only types this projection ignores: let the runner move its checkpoint, nothing to wait for.
      if (!(await queue.push({ events: [], scannedTo: plan.scannedTo }))) return;
      delivered[partition] = plan.scannedTo;
    }
    if (!stillOwned()) return;
    payload.resolveOffset(batch.lastOffset());
    await payload.commitOffsetsIfNecessary({
      topics: [{ topic, partitions: [{ partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }] }],
    });
  }

  async function start(): Promise<void> {
    const admin = options.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const actual = topics.find((t) => t.name === topic)?.partitions.length ?? 0;
      if (actual !== request.partitions) throw new KafkaTopicMismatchError(topic, request.partitions, actual);
    } finally {
      await admin.disconnect();
    }
    consumer.on(consumer.events.REBALANCING, () => tracker.revokeAll());
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) fail(event.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: request.partitions,
      eachBatch,
    });
  }

  const started = start().catch(fail);

  return {
    batches(partition) {
      const queue = queues[partition];
      if (queue === undefined) throw new RangeError(`No partition ${partition}`);
      return {
        async *[Symbol.asyncIterator]() {
          yield* queue;
          if (failure !== undefined && !closing) throw failure;
        },
      };
    },
    committed(partition, position) {
      tracker.commit(partition, position);
    },
    async close() {
      closing = true;
      tracker.revokeAll();
      for (const queue of queues) queue.close();
      await started;
      await consumer.disconnect();
    },
  };
}
