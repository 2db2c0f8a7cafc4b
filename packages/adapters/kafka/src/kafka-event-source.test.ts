import type { RecordedEvent } from '@ordo/core';
import { partitionFor, type SourceRequest } from '@ordo/projections';
import type { ConsumerRunConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaGroupInUseError, KafkaPartitioningError, KafkaReplayUnsupportedError } from './errors.js';
import { toKafkaMessage, toWatermarkMessage } from './event-message.js';
import { createKafkaEventSource } from './kafka-event-source.js';

/**
 * A scripted kafkajs client: it captures `eachBatch` so a test plays the broker's part (batches,
 * staleness, rebalances) and records committed offsets. The broker itself is covered by
 * kafka.int.test.ts.
 */
function scriptedKafka(partitions: number) {
  let run: ConsumerRunConfig | undefined;
  let onRebalancing: () => void = () => {};
  let started: () => void = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const commits: { partition: number; offset: string }[] = [];
  const kafka = {
    admin: () => ({
      connect: async () => {},
      disconnect: async () => {},
      fetchTopicMetadata: async () => ({
        topics: [{ name: 'events', partitions: Array.from({ length: partitions }, (_, id) => ({ partitionId: id })) }],
      }),
    }),
    consumer: () => ({
      events: { REBALANCING: 'consumer.rebalancing', CRASH: 'consumer.crash' },
      on: (name: string, listener: () => void) => {
        if (name === 'consumer.rebalancing') onRebalancing = listener;
      },
      connect: async () => {},
      disconnect: async () => {},
      subscribe: async () => {},
      run: async (config: ConsumerRunConfig) => {
        run = config;
        started();
      },
    }),
  } as unknown as Pick<Kafka, 'consumer' | 'admin'>;

  async function deliver(
    partition: number,
    events: readonly (RecordedEvent | number)[],
    flags: { stale?: () => boolean } = {},
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
      heartbeat: async () => {},
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
  return { kafka, deliver, commits, rebalance: () => onRebalancing(), config: () => run };
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
    expect(kafka.config()).toMatchObject({ eachBatchAutoResolve: false, partitionsConsumedConcurrently: partitions });
    expect(batch.events.map((e: RecordedEvent) => e.position)).toEqual([5, 6]);
    expect(kafka.commits).toEqual([]);
    await feed.committed?.(2, 6);
    await handled;
    expect(kafka.commits).toEqual([{ partition: 2, offset: '102' }]);
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

  it('refuses a record produced to another partition than the projection assigns its stream', async () => {
    const kafka = scriptedKafka(partitions);
    const source = sourceOn(kafka);
    const feed = source.open(request());
    await expect(kafka.deliver(0, [event(streamOn(1), 3)])).rejects.toBeInstanceOf(KafkaPartitioningError);
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
