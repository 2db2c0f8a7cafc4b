import type { PartitionedEventSource, PartitionedFeed, SourceBatch, SourceRequest } from '@ordo/projections';
import type { Batch, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import { AsyncQueue } from './async-queue.js';
import { createHeartbeat } from './batch-heartbeat.js';
import { CommitTracker } from './commit-tracker.js';
import {
  KafkaGroupInUseError,
  KafkaPartitioningError,
  KafkaReplayUnsupportedError,
  KafkaTopicMismatchError,
} from './errors.js';
import { fromKafkaMessage, watermarkOf } from './event-message.js';
import { traceConsumerBatch } from './kafka-telemetry.js';
import { fetchPartitionCount } from './kafka-topic.js';
import { type KafkaRecord, planKafkaBatch } from './plan-kafka-batch.js';

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
  /**
   * How often a batch waiting for the runner checks in and heartbeats; kafkajs sends at most one
   * heartbeat per its own `heartbeatInterval`. Default 1 s.
   */
  readonly heartbeatIntervalMs?: number;
  /** kafkajs consumer settings; keep `rebalanceTimeout` well above the runner's time to write a batch. */
  readonly consumer?: Omit<ConsumerConfig, 'groupId'>;
  /** Told when the consumer fails for good; the feed's iterables then throw it too. */
  readonly onError?: (error: unknown) => void;
}

/**
 * The projection runner's source on Kafka: one consumer group per projection, each topic partition
 * is one projection partition (same murmur2 partitioner), processed in order. A batch's offsets are
 * committed only after the runner committed its read-model writes, and never once a rebalance has
 * begun; duplicates (relay retries, redelivery after a rebalance) are skipped by position. Rebuilds
 * read the event store instead (`follow: false` is refused).
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
  const tickMs = options.heartbeatIntervalMs ?? 1000;
  const queues = Array.from({ length: request.partitions }, () => new AsyncQueue<SourceBatch>(1));
  // Highest scannedTo handed to the runner per partition, so progress-only batches are not repeated.
  const delivered = [...request.after];
  const tracker = new CommitTracker();
  const abandoned = new Set<number>();
  let failure: unknown;
  let closing = false;
  // A member learns of a rebalance from a heartbeat; from then on it commits nothing until it rejoined.
  let rebalancing = false;

  const restartOnFailure = async (error: Error): Promise<boolean> =>
    failure === undefined && !closing && ((await options.consumer?.retry?.restartOnFailure?.(error)) ?? true);
  const consumer = options.kafka.consumer({
    // kafkajs would otherwise create a missing topic with the broker's default partition count.
    allowAutoTopicCreation: false,
    ...options.consumer,
    groupId,
    retry: { ...options.consumer?.retry, restartOnFailure },
  });

  const fail = (error: unknown) => {
    if (failure !== undefined) return;
    failure = error;
    options.onError?.(error);
    for (const queue of queues) queue.close();
  };
  const committedOf = (partition: number) =>
    Math.max(request.after[partition] ?? 0, tracker.committedPosition(partition));

  /** The runner stopped reading a partition (halted or stopping): stop fetching it, commit nothing more. */
  const abandon = (partition: number) => {
    if (abandoned.has(partition)) return;
    abandoned.add(partition);
    queues[partition]?.close();
    tracker.revoke(partition);
    if (closing) return;
    try {
      consumer.pause([{ topic, partitions: [partition] }]);
    } catch {
      // Not running yet: eachBatch pauses the partition when it sees it.
    }
  };

  function decode(batch: Batch): KafkaRecord[] {
    const records: KafkaRecord[] = [];
    for (const message of batch.messages) {
      const watermark = watermarkOf(message.headers);
      if (watermark !== undefined) {
        records.push({ offset: message.offset, watermark });
        continue;
      }
      const event = fromKafkaMessage(message.value, { topic, partition: batch.partition, offset: message.offset });
      const expected = request.partitionOf(event);
      if (expected !== batch.partition) throw new KafkaPartitioningError(event.streamId, batch.partition, expected);
      records.push({ offset: message.offset, event });
    }
    return records;
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    // After a fatal error kafkajs retries the batch; failing again lets it give up (restartOnFailure).
    if (failure !== undefined) throw failure;
    const { batch } = payload;
    const partition = batch.partition;
    const generation = tracker.generation;
    const queue = queues[partition];
    let records: KafkaRecord[];
    try {
      if (queue === undefined) throw new KafkaTopicMismatchError(topic, request.partitions, partition + 1);
      records = decode(batch);
    } catch (error) {
      fail(error);
      throw error;
    }
    if (closing) return;
    if (abandoned.has(partition)) {
      payload.pause();
      return;
    }
    const owned = () =>
      payload.isRunning() &&
      !payload.isStale() &&
      tracker.isCurrent(generation) &&
      !rebalancing &&
      !closing &&
      !abandoned.has(partition);
    const heartbeat = createHeartbeat(payload, {
      tickMs,
      isFinal: isRebalance,
      onError: (error) => {
        rebalancing ||= isRebalance(error);
      },
    });
    const steps = planKafkaBatch(records, {
      after: committedOf(partition),
      eventTypes: request.eventTypes,
      maxBatchSize: request.maxBatchSize,
    });
    for (const [index, step] of steps.entries()) {
      if (!owned() || heartbeat.error !== undefined) break;
      if (step.events.length > 0 || step.scannedTo > (delivered[partition] ?? 0)) {
        const batchForRunner: SourceBatch = { events: step.events, scannedTo: step.scannedTo };
        if (!(await heartbeat.during(queue.push(batchForRunner)))) return;
        delivered[partition] = Math.max(delivered[partition] ?? 0, step.scannedTo);
      }
      const last = step.events.at(-1)?.position;
      if (last !== undefined) {
        // Released already: nobody would ever settle this wait.
        if (closing || abandoned.has(partition)) return;
        // The runner holds this step now: wait for it even if a rebalance began, so no two members write at once.
        if ((await heartbeat.during(tracker.waitFor(partition, last))) === 'revoked') return;
      }
      if (!owned() || heartbeat.error !== undefined) break;
      // The last step also covers control records kafkajs filtered out after the last message.
      const through = index === steps.length - 1 ? batch.lastOffset() : step.lastOffset;
      payload.resolveOffset(through);
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset: (BigInt(through) + 1n).toString() }] }],
      });
    }
    // kafkajs rejoins the group only once every eachBatch of the fetch has returned.
    if (heartbeat.error !== undefined) throw heartbeat.error;
  }

  async function start(): Promise<void> {
    const admin = options.kafka.admin();
    await admin.connect();
    try {
      const actual = await fetchPartitionCount(admin, topic);
      if (actual !== request.partitions) throw new KafkaTopicMismatchError(topic, request.partitions, actual);
    } finally {
      await admin.disconnect();
    }
    consumer.on(consumer.events.REBALANCING, () => {
      rebalancing = true;
      tracker.nextGeneration();
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      tracker.nextGeneration();
      rebalancing = false;
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) fail(event.payload.error);
    });
    await consumer.connect();
    // A new group starts at the earliest retained record; positions skip what the runner has.
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: request.partitions,
      eachBatch: (payload) => traceConsumerBatch(groupId, payload, eachBatch),
    });
  }

  const started = start().catch(fail);

  return {
    batches(partition) {
      const queue = queues[partition];
      if (queue === undefined) throw new RangeError(`No partition ${partition}`);
      return {
        async *[Symbol.asyncIterator]() {
          try {
            yield* queue;
            if (failure !== undefined && !closing) throw failure;
          } finally {
            abandon(partition);
          }
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

/** kafkajs's own test for "the group moved on" (`isRebalancing`), plus a member the coordinator forgot. */
function isRebalance(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return (
    type === 'REBALANCE_IN_PROGRESS' ||
    type === 'ILLEGAL_GENERATION' ||
    type === 'NOT_COORDINATOR_FOR_GROUP' ||
    type === 'UNKNOWN_MEMBER_ID'
  );
}
