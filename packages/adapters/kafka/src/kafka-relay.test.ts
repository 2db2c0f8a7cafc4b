import { createInMemoryEventStore, type EventStore } from '@ordo/core';
import type { CheckpointStore } from '@ordo/projections';
import type { Message, RecordMetadata } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { fromKafkaMessage } from './event-message.js';
import { createKafkaRelay, type RelayProducer } from './kafka-relay.js';

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

  it('adds a watermark per partition to a batch that found the relay caught up, and none to a full batch', async () => {
    const store = createInMemoryEventStore();
    const checkpoints = mapCheckpoints();
    const { producer, attempted } = scriptedProducer();
    await append(store, 'a', 3);
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
    await relay.whenRelayed(3);
    const watermarks = attempted.map((messages) =>
      messages
        .filter((m) => m.headers?.['ordo-watermark'] !== undefined)
        .map((m) => `${m.partition}@${m.headers?.['ordo-watermark']}`),
    );
    expect(watermarks).toEqual([[], ['0@3', '1@3', '2@3']]);
  });

  it('stops while a send hangs on an unreachable broker, without moving its checkpoint', async () => {
    const store = createInMemoryEventStore();
    await append(store, 'a', 1);
    const checkpoints = mapCheckpoints();
    let fail: (error: Error) => void = () => {};
    let sending: () => void = () => {};
    const sendStarted = new Promise<void>((resolve) => {
      sending = resolve;
    });
    const producer: RelayProducer = {
      connect: async () => {},
      disconnect: async () => fail(new Error('disconnected')),
      send: () =>
        new Promise((_resolve, reject) => {
          fail = reject;
          sending();
        }),
    };
    const relay = createKafkaRelay({ store, topic: 'events', checkpoints, producer, lingerMs: 1 });
    await relay.start();
    await sendStarted;
    await relay.stop();
    expect(checkpoints.saved).toEqual([]);
    expect(relay.position).toBe(0);
  });

  it('refuses to start without a Kafka client or producer', () => {
    expect(() =>
      createKafkaRelay({ store: createInMemoryEventStore(), topic: 't', checkpoints: mapCheckpoints() }),
    ).toThrow(TypeError);
  });
});
