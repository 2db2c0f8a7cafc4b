import type { RecordedEvent } from '@ordo/core';
import { partitionFor, type SourceRequest } from '@ordo/projections';
import type { ConsumerConfig, ConsumerRunConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  KafkaGroupInUseError,
  KafkaPartitioningError,
  KafkaReplayUnsupportedError,
  KafkaTopicMismatchError,
} from './errors.js';
import { toKafkaMessage, toWatermarkMessage } from './event-message.js';
import { createKafkaEventSource } from './kafka-event-source.js';

/**
 * A scripted kafkajs client: it captures `eachBatch` so a test plays the broker's part (batches,
 * staleness, rebalances) and records committed offsets. The broker itself is covered by
 * kafka.int.test.ts.
 */
function scriptedKafka(partitions: number, topicPartitions: number | 'missing' = partitions) {
  let run: ConsumerRunConfig | undefined;
  let config: ConsumerConfig | undefined;
  const listeners = new Map<string, (event: { payload: Record<string, unknown> }) => void>();
  let started: () => void = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const commits: { partition: number; offset: string }[] = [];
  const paused: number[] = [];
  const kafka = {
    admin: () => ({
      connect: async () => {},
      disconnect: async () => {},
      fetchTopicMetadata: async () => {
        if (topicPartitions === 'missing')
          throw Object.assign(new Error('This server does not host this topic-partition'), {
            type: 'UNKNOWN_TOPIC_OR_PARTITION',
          });
        return {
          topics: [
            { name: 'events', partitions: Array.from({ length: topicPartitions }, (_, id) => ({ partitionId: id })) },
          ],
        };
      },
    }),
    consumer: (consumerConfig: ConsumerConfig) => {
      config = consumerConfig;
      return {
        events: { REBALANCING: 'consumer.rebalancing', GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
        on: (name: string, listener: (event: { payload: Record<string, unknown> }) => void) => {
          listeners.set(name, listener);
        },
        pause: (topics: { partitions: number[] }[]) => {
          for (const topic of topics) paused.push(...topic.partitions);
        },
        connect: async () => {},
        disconnect: async () => {},
        subscribe: async () => {},
        run: async (runConfig: ConsumerRunConfig) => {
          run = runConfig;
          started();
        },
      };
    },
  } as unknown as Pick<Kafka, 'consumer' | 'admin'>;

  async function deliver(
    partition: number,
    events: readonly (RecordedEvent | number)[],
    flags: { stale?: () => boolean; heartbeat?: () => Promise<void> } = {},
  ) {
    await running;
    const messages = events.map((event, i): KafkaMessage => {
      const record = typeof event === 'number' ? toWatermarkMessage(partition, event) : toKafkaMessage(event);
      return {
        key: Buffer.from(record.key),
        value: Buffer.from(record.value),
        timestamp: '0',
        attributes: 0,
        offset: String(i + 100),
        headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)])),
      };
    });
    const payload = {
      batch: { topic: 'events', partition, messages, lastOffset: () => String(messages.length + 99) },
      resolveOffset: () => {},
      heartbeat: flags.heartbeat ?? (async () => {}),
      pause: () => {
        paused.push(partition);
        return () => {};
      },
      commitOffsetsIfNecessary: async (offsets?: {
        topics: { partitions: { partition: number; offset: string }[] }[];
      }) => {
        for (const topic of offsets?.topics ?? []) commits.push(...topic.partitions);
      },
      isRunning: () => true,
      isStale: flags.stale ?? (() => false),
    } as unknown as EachBatchPayload;
    return run?.eachBatch?.(payload);
  }
  const emit = (name: string, payload: Record<string, unknown> = {}) => listeners.get(name)?.({ payload });
  return {
    kafka,
    deliver,
    commits,
    paused,
    rebalance: () => emit('consumer.rebalancing'),
    join: () => emit('consumer.group_join', { memberAssignment: { events: [0, 1, 2, 3] } }),
    crash: (error: Error, restart: boolean) => emit('consumer.crash', { error, restart }),
    config: () => run,
    consumerConfig: () => config,
  };
}

const partitions = 4;
const request = (overrides: Partial<SourceRequest> = {}): SourceRequest => ({
  partitions,
  partitionOf: (event) => partitionFor(event.streamId, partitions),
  after: Array.from({ length: partitions }, () => 0),
  maxBatchSize: 100,
  follow: true,
  ...overrides,
});
const streamOn = (partition: number) => {
  for (let i = 0; ; i += 1) if (partitionFor(`account-${i}`, partitions) === partition) return `account-${i}`;
};
const event = (streamId: string, position: number): RecordedEvent => ({
  id: `id-${position}`,
  type: 'Deposited',
  schemaVersion: 1,
  streamId,
  streamVersion: position,
  position,
  timestamp: new Date(0).toISOString(),
  data: {},
  metadata: {},
});

/** The source under test over a scripted consumer: topic `events`, group `g`, head at 0. */
function sourceOn(kafka: ReturnType<typeof scriptedKafka>) {
  return createKafkaEventSource({ kafka: kafka.kafka, topic: 'events', groupId: 'g', headPosition: async () => 0 });
}

describe('createKafkaEventSource', () => {
  it('runs one consumer per group with manual resolution and commits offsets only after the runner committed', async () => {
    const kafka = scriptedKafka(partitions);
    const source = sourceOn(kafka);
    const feed = source.open(request());
    const stream = streamOn(2);
    const handled = kafka.deliver(2, [event(stream, 5), event(stream, 6)]);
    const batches = feed.batches(2)[Symbol.asyncIterator]();
    const batch = (await batches.next()).value;
    expect(kafka.config()).toMatchObject({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: partitions,
    });
    expect(kafka.consumerConfig()).toMatchObject({ groupId: 'g', allowAutoTopicCreation: false });
    expect(batch.events.map((e: RecordedEvent) => e.position)).toEqual([5, 6]);
    expect(kafka.commits).toEqual([]);
    await feed.committed?.(2, 6);
    await handled;
    expect(kafka.commits).toEqual([{ partition: 2, offset: '102' }]);
    await feed.close();
  });

  it('commits offsets step by step as the runner commits each runner-sized chunk', async () => {
    const kafka = scriptedKafka(partitions);
    const feed = sourceOn(kafka).open(request({ maxBatchSize: 2 }));
    const stream = streamOn(2);
    const handled = kafka.deliver(
      2,
      [5, 6, 7].map((p) => event(stream, p)),
    );
    const batches = feed.batches(2)[Symbol.asyncIterator]();
    expect((await batches.next()).value.events.map((e: RecordedEvent) => e.position)).toEqual([5, 6]);
    await feed.committed?.(2, 6);
    expect((await batches.next()).value.events.map((e: RecordedEvent) => e.position)).toEqual([7]);
    expect(kafka.commits).toEqual([{ partition: 2, offset: '102' }]);
    await feed.committed?.(2, 7);
    await handled;
    expect(kafka.commits).toEqual([
      { partition: 2, offset: '102' },
      { partition: 2, offset: '103' },
    ]);
    await feed.close();
  });

  it('commits nothing for a batch whose partition was revoked by a rebalance while it was written', async () => {
    const kafka = scriptedKafka(partitions);
    const source = sourceOn(kafka);
    const feed = source.open(request());
    const stream = streamOn(1);
    const handled = kafka.deliver(1, [event(stream, 7)]);
    await feed.batches(1)[Symbol.asyncIterator]().next();
    kafka.rebalance();
    await feed.committed?.(1, 7);
    await handled;
    expect(kafka.commits).toEqual([]);
    await feed.close();
  });

  it('on a rebalance seen by a heartbeat, waits for the chunk the runner holds, hands over no more, then lets kafkajs rejoin', async () => {
    const kafka = scriptedKafka(partitions);
    const source = createKafkaEventSource({
      kafka: kafka.kafka,
      topic: 'events',
      groupId: 'g',
      headPosition: async () => 0,
      heartbeatIntervalMs: 1,
    });
    const feed = source.open(request({ maxBatchSize: 1 }));
    const stream = streamOn(3);
    const rebalance = Object.assign(new Error('The group is rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
    let beats = 0;
    let heartbeatFailed: () => void = () => {};
    const failedOnce = new Promise<void>((resolve) => {
      heartbeatFailed = resolve;
    });
    let settled = false;
    const handled = kafka
      .deliver(
        3,
        [8, 9].map((p) => event(stream, p)),
        {
          heartbeat: async () => {
            beats += 1;
            heartbeatFailed();
            throw rebalance;
          },
        },
      )
      .finally(() => {
        settled = true;
      });
    const batches = feed.batches(3)[Symbol.asyncIterator]();
    expect((await batches.next()).value.events.map((e: RecordedEvent) => e.position)).toEqual([8]);
    await failedOnce;
    await Promise.resolve();
    // kafkajs may not rejoin while the runner still writes position 8.
    expect(settled).toBe(false);
    await feed.committed?.(3, 8);
    await expect(handled).rejects.toBe(rebalance);
    expect(beats).toBe(1);
    expect(kafka.commits).toEqual([]);

    // Rejoined with the partition again: the redelivered record is skipped by position, its offset committed.
    kafka.join();
    await kafka.deliver(3, [event(stream, 8)]);
    expect(kafka.commits).toEqual([{ partition: 3, offset: '101' }]);
    await feed.close();
    const rest: unknown[] = [];
    for await (const batch of { [Symbol.asyncIterator]: () => batches }) rest.push(batch);
    expect(rest).toEqual([]);
  });

  it('stops fetching a partition whose reader went away (halted) and commits nothing of what it held', async () => {
    const kafka = scriptedKafka(partitions);
    const feed = sourceOn(kafka).open(request());
    const stream = streamOn(0);
    const handled = kafka.deliver(0, [event(stream, 4)]);
    const batches = feed.batches(0)[Symbol.asyncIterator]();
    await batches.next();
    await batches.return?.();
    await handled;
    expect(kafka.paused).toEqual([0]);
    await kafka.deliver(0, [event(stream, 5)]);
    expect(kafka.paused).toEqual([0, 0]);
    expect(kafka.commits).toEqual([]);
    await feed.close();
  });

  it('skips redelivered events at or below the checkpoint and commits their offsets without the runner', async () => {
    const kafka = scriptedKafka(partitions);
    const source = sourceOn(kafka);
    const after = [0, 0, 0, 0];
    after[3] = 9;
    const feed = source.open(request({ after }));
    const stream = streamOn(3);
    await kafka.deliver(3, [event(stream, 8), event(stream, 9)]);
    expect(kafka.commits).toEqual([{ partition: 3, offset: '102' }]);
    await feed.close();
  });

  it('reports a watermark on an idle partition as progress and commits its offset without waiting', async () => {
    const kafka = scriptedKafka(partitions);
    const source = sourceOn(kafka);
    const feed = source.open(request());
    const handled = kafka.deliver(1, [42]);
    const batch = (await feed.batches(1)[Symbol.asyncIterator]().next()).value;
    await handled;
    expect(batch).toEqual({ events: [], scannedTo: 42 });
    expect(kafka.commits).toEqual([{ partition: 1, offset: '101' }]);
    await feed.close();
  });

  it('does not deliver a stale batch (the partition was seeked or reassigned)', async () => {
    const kafka = scriptedKafka(partitions);
    const source = sourceOn(kafka);
    const feed = source.open(request());
    await kafka.deliver(0, [event(streamOn(0), 3)], { stale: () => true });
    expect(kafka.commits).toEqual([]);
    await feed.close();
    const rest: unknown[] = [];
    for await (const batch of feed.batches(0)) rest.push(batch);
    expect(rest).toEqual([]);
  });

  it('fails the feed for good on a record produced to another partition than the projection assigns its stream', async () => {
    const kafka = scriptedKafka(partitions);
    const errors: unknown[] = [];
    const source = createKafkaEventSource({
      kafka: kafka.kafka,
      topic: 'events',
      groupId: 'g',
      headPosition: async () => 0,
      onError: (error) => errors.push(error),
    });
    const feed = source.open(request());
    await expect(kafka.deliver(0, [event(streamOn(1), 3)])).rejects.toBeInstanceOf(KafkaPartitioningError);
    // kafkajs retries the batch, then asks whether to restart the consumer: it must not.
    await expect(kafka.deliver(0, [event(streamOn(0), 4)])).rejects.toBeInstanceOf(KafkaPartitioningError);
    const restart = kafka.consumerConfig()?.retry?.restartOnFailure;
    await expect(restart?.(new Error('KafkaJSNumberOfRetriesExceeded'))).resolves.toBe(false);
    await expect(feed.batches(0)[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(KafkaPartitioningError);
    expect(errors).toHaveLength(1);
    expect(kafka.commits).toEqual([]);
    await feed.close();
  });

  it('lets kafkajs restart after a retriable crash, and fails the feed when it will not', async () => {
    const kafka = scriptedKafka(partitions);
    const feed = sourceOn(kafka).open(request());
    await kafka.deliver(0, []);
    await expect(kafka.consumerConfig()?.retry?.restartOnFailure?.(new Error('broker gone'))).resolves.toBe(true);
    kafka.crash(new Error('broker gone'), true);
    kafka.crash(new Error('auth failed'), false);
    await expect(feed.batches(2)[Symbol.asyncIterator]().next()).rejects.toThrow('auth failed');
    await feed.close();
  });

  it('refuses to start on a topic that does not exist instead of letting kafkajs create it', async () => {
    const kafka = scriptedKafka(partitions, 'missing');
    const errors: unknown[] = [];
    const source = createKafkaEventSource({
      kafka: kafka.kafka,
      topic: 'events',
      groupId: 'g',
      headPosition: async () => 0,
      onError: (error) => errors.push(error),
    });
    const feed = source.open(request());
    await expect(feed.batches(0)[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(KafkaTopicMismatchError);
    expect(errors[0]).toMatchObject({ code: 'KAFKA_TOPIC_MISMATCH', actualPartitions: 0 });
    await feed.close();
  });

  it('refuses a second feed on a group it already runs, and frees the group on close', async () => {
    const kafka = scriptedKafka(partitions);
    const source = createKafkaEventSource({
      kafka: kafka.kafka,
      topic: 'events',
      groupId: (r) => `g-${r.maxBatchSize}`,
      headPosition: async () => 0,
    });
    const first = source.open(request());
    expect(() => source.open(request())).toThrow(KafkaGroupInUseError);
    const other = source.open(request({ maxBatchSize: 7 }));
    await first.close();
    const again = source.open(request());
    await Promise.all([other.close(), again.close()]);
  });

  it('names the consumer group after the collection by default, one group per projection version', async () => {
    const kafka = scriptedKafka(partitions);
    const groups: string[] = [];
    const consumer = kafka.kafka.consumer;
    kafka.kafka.consumer = (config) => {
      groups.push(config.groupId);
      return consumer(config);
    };
    const source = createKafkaEventSource({ kafka: kafka.kafka, topic: 'events', headPosition: async () => 0 });
    const v1 = source.open(request({ collection: 'accounts_v1' }));
    const v2 = source.open(request({ collection: 'accounts_v2' }));
    expect(groups).toEqual(['ordo-accounts_v1', 'ordo-accounts_v2']);
    expect(() => source.open(request())).toThrow(TypeError);
    await Promise.all([v1.close(), v2.close()]);
  });

  it('refuses bounded replays, which read the event store instead', () => {
    const kafka = scriptedKafka(partitions);
    const source = createKafkaEventSource({
      kafka: kafka.kafka,
      topic: 'events',
      groupId: 'g',
      headPosition: async () => 42,
    });
    expect(() => source.open(request({ follow: false, to: 10 }))).toThrow(KafkaReplayUnsupportedError);
  });
});
