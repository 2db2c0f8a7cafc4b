import { createInMemoryEventStore, type EventStore } from '@ordo/core';
import type { CheckpointStore } from '@ordo/projections';
import { type Kafka, type Message, Partitioners, type ProducerConfig, type RecordMetadata } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaRecordTooLargeError } from './errors.js';
import { fromKafkaMessage, toKafkaMessage } from './event-message.js';
import { createKafkaRelay, type RelayProducer } from './kafka-relay.js';
import { recordBytes } from './split-records.js';

/** A checkpoint store kept in a Map, with the port's never-backwards rule. */
function mapCheckpoints(): CheckpointStore & { readonly saved: number[] } {
  const stored = new Map<string, Map<number, number>>();
  const saved: number[] = [];
  return {
    saved,
    load: async (collection) => new Map(stored.get(collection)),
    save: async (collection, partition, position) => {
      const map = stored.get(collection) ?? new Map<number, number>();
      if ((map.get(partition) ?? 0) < position) map.set(partition, position);
      stored.set(collection, map);
      saved.push(position);
    },
    clear: async (collection) => void stored.delete(collection),
  };
}

/**
 * A scripted producer standing in for kafkajs (the broker side is covered by
 * kafka.int.test.ts): it records what it acknowledged and can fail the next sends.
 */
function scriptedProducer(observe: () => number = () => 0) {
  const acknowledged: Message[] = [];
  const attempted: Message[][] = [];
  const observedAtSend: number[] = [];
  let failures = 0;
  const producer: RelayProducer & { failNext(n: number): void } = {
    connect: async () => {},
    disconnect: async () => {},
    async send(record) {
      attempted.push(record.messages);
      observedAtSend.push(observe());
      expect(record.acks).toBe(-1);
      if (failures > 0) {
        failures -= 1;
        throw new Error('broker unavailable');
      }
      acknowledged.push(...record.messages);
      return [] as RecordMetadata[];
    },
    failNext: (n) => {
      failures = n;
    },
  };
  return { producer, acknowledged, attempted, observedAtSend };
}

const opened: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((relay) => relay.stop()));
});

async function append(store: EventStore, streamId: string, count: number) {
  return store.appendToStream(
    streamId,
    Array.from({ length: count }, (_, i) => ({ type: 'Deposited', data: { i } })),
  );
}

describe('createKafkaRelay', () => {
  it('produces every event keyed by stream id and moves its checkpoint only after the acknowledgement', async () => {
    const store = createInMemoryEventStore();
    const checkpoints = mapCheckpoints();
    const { producer, acknowledged } = scriptedProducer();
    await append(store, 'account-1', 2);
    const { position } = await append(store, 'account-2', 1);
    const relay = createKafkaRelay({ store, topic: 'events', checkpoints, producer, lingerMs: 1 });
    opened.push(relay);
    await relay.start();
    await relay.whenRelayed(position);
    expect(acknowledged.map((m) => m.key)).toEqual(['account-1', 'account-1', 'account-2']);
    expect(
      acknowledged.map(
        (m) => fromKafkaMessage(m.value as string, { topic: 'events', partition: 0, offset: '0' }).position,
      ),
    ).toEqual([1, 2, 3]);
    expect((await checkpoints.load('relay:events')).get(0)).toBe(position);
  });

  it('keeps its checkpoint when Kafka refuses a batch and re-sends the same events, ids included', async () => {
    const store = createInMemoryEventStore();
    const checkpoints = mapCheckpoints();
    const { producer, acknowledged, attempted, observedAtSend } = scriptedProducer(() => checkpoints.saved.length);
    producer.failNext(2);
    const errors: unknown[] = [];
    const { events } = await append(store, 'account-1', 3);
    const relay = createKafkaRelay({
      store,
      topic: 'events',
      checkpoints,
      producer,
      lingerMs: 1,
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
      onError: (error) => errors.push(error),
    });
    opened.push(relay);
    await relay.start();
    await relay.whenRelayed(3);
    expect(errors).toHaveLength(2);
    // No checkpoint was written while Kafka kept refusing the batch.
    expect(observedAtSend).toEqual([0, 0, 0]);
    expect(checkpoints.saved).toEqual([3]);
    const ids = (messages: readonly Message[]) => messages.map((m) => m.headers?.['ordo-id']);
    expect(ids(attempted[0] ?? [])).toEqual(events.map((e) => e.id));
    expect(ids(acknowledged)).toEqual(events.map((e) => e.id));
  });

  it('resumes after a restart from its checkpoint without skipping or re-sending acknowledged events', async () => {
    const store = createInMemoryEventStore();
    const checkpoints = mapCheckpoints();
    const first = scriptedProducer();
    await append(store, 'a', 2);
    const relay = createKafkaRelay({ store, topic: 'events', checkpoints, producer: first.producer, lingerMs: 1 });
    await relay.start();
    await relay.whenRelayed(2);
    await relay.stop();
    const { position } = await append(store, 'b', 2);
    const second = scriptedProducer();
    const restarted = createKafkaRelay({ store, topic: 'events', checkpoints, producer: second.producer, lingerMs: 1 });
    opened.push(restarted);
    await restarted.start();
    await restarted.whenRelayed(position);
    expect(first.acknowledged.map((m) => m.key)).toEqual(['a', 'a']);
    expect(second.acknowledged.map((m) => m.key)).toEqual(['b', 'b']);
  });

  it('advances its checkpoint through events its filter drops', async () => {
    const store = createInMemoryEventStore();
    const checkpoints = mapCheckpoints();
    const { producer, acknowledged } = scriptedProducer();
    const { position } = await append(store, 'noise-1', 3);
    const relay = createKafkaRelay({
      store,
      topic: 'events',
      checkpoints,
      producer,
      filter: { streamIdPrefixes: ['signal-'] },
      lingerMs: 1,
    });
    opened.push(relay);
    await relay.start();
    await relay.whenRelayed(position);
    expect(acknowledged).toEqual([]);
    expect((await checkpoints.load('relay:events')).get(0)).toBeGreaterThanOrEqual(position);
  });

  it('adds a watermark per partition to every batch, so a burst ending on a batch boundary reaches the head', async () => {
    const store = createInMemoryEventStore();
    const checkpoints = mapCheckpoints();
    const { producer, attempted } = scriptedProducer();
    // Exactly two full batches: no batch is smaller than batchSize.
    await append(store, 'a', 4);
    const relay = createKafkaRelay({
      store,
      topic: 'events',
      checkpoints,
      producer,
      partitions: 3,
      batchSize: 2,
      lingerMs: 1,
    });
    opened.push(relay);
    await relay.start();
    await relay.whenRelayed(4);
    const watermarks = attempted.map((messages) =>
      messages
        .filter((m) => m.headers?.['ordo-watermark'] !== undefined)
        .map((m) => `${m.partition}@${m.headers?.['ordo-watermark']}`),
    );
    expect(watermarks).toEqual([
      ['0@2', '1@2', '2@2'],
      ['0@4', '1@4', '2@4'],
    ]);
    // Watermarks follow the batch's events, so a partition's watermark never passes one of its events.
    expect(attempted.map((messages) => messages.map((m) => m.headers?.['ordo-watermark'] === undefined))).toEqual([
      [true, true, false, false, false],
      [true, true, false, false, false],
    ]);
  });

  it('on stop, waits for a send in flight to end and keeps its checkpoint when it failed', async () => {
    const store = createInMemoryEventStore();
    await append(store, 'a', 1);
    const checkpoints = mapCheckpoints();
    const calls: string[] = [];
    let fail: (error: Error) => void = () => {};
    let sending: () => void = () => {};
    const sendStarted = new Promise<void>((resolve) => {
      sending = resolve;
    });
    const producer: RelayProducer = {
      connect: async () => {},
      disconnect: async () => void calls.push('disconnect'),
      send: () =>
        new Promise((_resolve, reject) => {
          fail = reject;
          sending();
        }),
    };
    const relay = createKafkaRelay({ store, topic: 'events', checkpoints, producer, lingerMs: 1 });
    await relay.start();
    await sendStarted;
    const stopping = relay.stop().then(() => calls.push('stopped'));
    await Promise.resolve();
    // Disconnecting under a retrying kafkajs send would make it reconnect: the relay waits instead.
    expect(calls).toEqual([]);
    fail(new Error('KafkaJSNumberOfRetriesExceeded'));
    await stopping;
    expect(calls).toEqual(['disconnect', 'stopped']);
    expect(checkpoints.saved).toEqual([]);
    expect(relay.position).toBe(0);
  });

  it('builds an idempotent murmur2 producer and starts a fresh session after a failed send', async () => {
    const store = createInMemoryEventStore();
    const { position } = await append(store, 'a', 2);
    const configs: ProducerConfig[] = [];
    const sessions = [scriptedProducer(), scriptedProducer()];
    sessions[0]?.producer.failNext(1);
    const disconnected: number[] = [];
    const kafka = {
      producer: (config: ProducerConfig) => {
        const index = configs.push(config) - 1;
        const session = sessions[index];
        if (session === undefined) throw new Error('unexpected producer');
        return { ...session.producer, disconnect: async () => void disconnected.push(index) };
      },
    } as unknown as Pick<Kafka, 'producer'>;
    const relay = createKafkaRelay({
      kafka,
      store,
      topic: 'events',
      checkpoints: mapCheckpoints(),
      lingerMs: 1,
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
    });
    opened.push(relay);
    await relay.start();
    await relay.whenRelayed(position);
    expect(configs).toHaveLength(2);
    expect(configs[0]).toMatchObject({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    expect(configs[0]?.createPartitioner).toBe(Partitioners.DefaultPartitioner);
    expect(disconnected).toEqual([0]);
    expect(sessions[1]?.acknowledged.map((m) => m.headers?.['ordo-position'])).toEqual(['1', '2']);
  });

  it('splits a batch into requests under maxBatchBytes, watermarks after the last event', async () => {
    const store = createInMemoryEventStore();
    const { position } = await append(store, 'a', 4);
    const { producer, attempted } = scriptedProducer();
    const one = recordBytes(toKafkaMessage((await store.readStream('a')[Symbol.asyncIterator]().next()).value));
    const relay = createKafkaRelay({
      store,
      topic: 'events',
      checkpoints: mapCheckpoints(),
      producer,
      partitions: 2,
      maxBatchBytes: one * 2 + 5,
      lingerMs: 1,
    });
    opened.push(relay);
    await relay.start();
    await relay.whenRelayed(position);
    const described = attempted.map((messages) =>
      messages.map((m) => m.headers?.['ordo-position'] ?? `w${m.partition}@${m.headers?.['ordo-watermark']}`),
    );
    expect(described).toEqual([
      ['1', '2'],
      ['3', '4', 'w0@4', 'w1@4'],
    ]);
  });

  it('reports a record Kafka refuses as too large with a typed error and keeps its checkpoint', async () => {
    const store = createInMemoryEventStore();
    await append(store, 'a', 1);
    const checkpoints = mapCheckpoints();
    let reported: (error: unknown) => void = () => {};
    const firstError = new Promise<unknown>((resolve) => {
      reported = resolve;
    });
    const producer: RelayProducer = {
      connect: async () => {},
      disconnect: async () => {},
      send: async () => {
        throw Object.assign(new Error('The request included a message larger than the max message size'), {
          type: 'MESSAGE_TOO_LARGE',
        });
      },
    };
    const relay = createKafkaRelay({
      store,
      topic: 'events',
      checkpoints,
      producer,
      lingerMs: 1,
      retry: { initialDelayMs: 1, maxDelayMs: 1 },
      onError: (error) => reported(error),
    });
    opened.push(relay);
    await relay.start();
    const error = await firstError;
    expect(error).toBeInstanceOf(KafkaRecordTooLargeError);
    expect(error).toMatchObject({ code: 'KAFKA_RECORD_TOO_LARGE', firstPosition: 1, lastPosition: 1 });
    expect(checkpoints.saved).toEqual([]);
  });

  it('keeps saving checkpoints after one save failed', async () => {
    const store = createInMemoryEventStore();
    const checkpoints = mapCheckpoints();
    const save = checkpoints.save;
    let failSave = true;
    checkpoints.save = async (...args) => {
      if (failSave) {
        failSave = false;
        throw new Error('checkpoint store busy');
      }
      return save(...args);
    };
    const { producer } = scriptedProducer();
    await append(store, 'a', 1);
    const relay = createKafkaRelay({
      store,
      topic: 'events',
      checkpoints,
      producer,
      lingerMs: 1,
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
    });
    opened.push(relay);
    await relay.start();
    const { position } = await append(store, 'a', 1);
    await relay.whenRelayed(position);
    expect((await checkpoints.load('relay:events')).get(0)).toBe(position);
  });

  it('refuses to start on a topic whose partition count differs from its own', async () => {
    const store = createInMemoryEventStore();
    const disconnected: string[] = [];
    const kafka = {
      producer: () => scriptedProducer().producer,
      admin: () => ({
        connect: async () => {},
        disconnect: async () => void disconnected.push('admin'),
        fetchTopicMetadata: async () => ({ topics: [{ name: 'events', partitions: [{}, {}] }] }),
      }),
    } as unknown as Pick<Kafka, 'producer' | 'admin'>;
    const relay = createKafkaRelay({ kafka, store, topic: 'events', partitions: 3, checkpoints: mapCheckpoints() });
    await expect(relay.start()).rejects.toMatchObject({
      code: 'KAFKA_TOPIC_MISMATCH',
      expectedPartitions: 3,
      actualPartitions: 2,
    });
    expect(disconnected).toEqual(['admin']);
  });

  it('refuses to start without a Kafka client or producer', () => {
    expect(() =>
      createKafkaRelay({ store: createInMemoryEventStore(), topic: 't', checkpoints: mapCheckpoints() }),
    ).toThrow(TypeError);
  });
});
