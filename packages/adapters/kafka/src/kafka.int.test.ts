import { randomUUID } from 'node:crypto';
import { createInMemoryEventStore, type RecordedEvent } from '@ordo/core';
import {
  type CheckpointStore,
  createInMemoryReadStore,
  createProjectionRunner,
  createStoreEventSource,
  defineProjection,
  fromEvents,
  type PartitionedFeed,
  partitionFor,
  patch,
  upsert,
} from '@ordo/projections';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createKafkaEventSource } from './kafka-event-source.js';
import { createKafkaRelay } from './kafka-relay.js';
import { ensureKafkaTopic } from './kafka-topic.js';

const brokers = process.env.KAFKA_BROKERS;
if (brokers === undefined)
  console.info('@ordo/kafka integration tests skipped: set KAFKA_BROKERS (e.g. localhost:9092)');

const prefix = `ordo-int-${randomUUID().slice(0, 8)}`;
const kafka = new Kafka({ clientId: prefix, brokers: (brokers ?? '').split(','), logLevel: logLevel.ERROR });
const topics: string[] = [];
afterAll(async () => {
  if (brokers === undefined) return;
  await withAdmin((admin) => admin.deleteTopics({ topics }).catch(() => {}));
});

/**
 * A fresh admin per use: reconnecting a disconnected kafkajs client races the old socket's end
 * handler against the new socket (kafkajs issue 928: `Closed connection`, `write after end`).
 */
async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

function mapCheckpoints(): CheckpointStore {
  const stored = new Map<string, Map<number, number>>();
  return {
    load: async (collection) => new Map(stored.get(collection)),
    save: async (collection, partition, position) => {
      const map = stored.get(collection) ?? new Map<number, number>();
      if ((map.get(partition) ?? 0) < position) map.set(partition, position);
      stored.set(collection, map);
    },
    clear: async (collection) => void stored.delete(collection),
  };
}

/** Drains a feed like the runner does: every partition in order, committing each batch. */
function drain(feed: PartitionedFeed, partitions: number, received: Map<number, RecordedEvent[]>) {
  for (let partition = 0; partition < partitions; partition += 1) {
    void (async () => {
      for await (const batch of feed.batches(partition)) {
        const list = received.get(partition) ?? [];
        list.push(...batch.events);
        received.set(partition, list);
        await feed.committed?.(partition, batch.scannedTo);
      }
    })();
  }
}

async function until(condition: () => boolean, timeoutMs = 60_000, refresh?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await refresh?.();
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await refresh?.();
  }
}

/** Waits (60 s at most) until the group's committed offsets reach every partition's end. */
async function offsetsCommittedToEnd(topic: string, groupId: string): Promise<boolean> {
  return withAdmin(async (admin) => {
    const high = (await admin.fetchTopicOffsets(topic)).map((w) => `${w.partition}:${w.high}`).sort();
    let committed: string[] = [];
    await until(
      () => committed.join() === high.join(),
      60_000,
      async () => {
        const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
        committed = (offsets[0]?.partitions ?? []).map((p) => `${p.partition}:${p.offset}`).sort();
      },
    );
    return committed.join() === high.join();
  });
}

describe.skipIf(brokers === undefined)('Kafka relay and consumer source on a real broker', () => {
  it('relays a store to a keyed topic and consumes each stream on the runner partition, in order, offsets committed', async () => {
    const topic = `${prefix}-relay`;
    topics.push(topic);
    const partitions = 4;
    await withAdmin((admin) => ensureKafkaTopic({ admin, topic, partitions }));

    const store = createInMemoryEventStore();
    let head = 0;
    for (let i = 0; i < 20; i += 1) {
      ({ position: head } = await store.appendToStream(`account-${i % 7}`, [{ type: 'Deposited', data: { i } }]));
    }
    const relay = createKafkaRelay({ kafka, store, topic, checkpoints: mapCheckpoints() });
    await relay.start();
    await relay.whenRelayed(head);

    const groupId = `${prefix}-group`;
    const source = createKafkaEventSource({ kafka, topic, groupId, headPosition: () => store.headPosition() });
    const feed = source.open({
      partitions,
      partitionOf: (event) => partitionFor(event.streamId, partitions),
      after: [0, 0, 0, 0],
      maxBatchSize: 5,
      follow: true,
    });
    const received = new Map<number, RecordedEvent[]>();
    drain(feed, partitions, received);
    const total = () => [...received.values()].reduce((sum, list) => sum + list.length, 0);
    await until(() => total() === 20);
    for (const [partition, events] of received) {
      expect(events.every((e) => partitionFor(e.streamId, partitions) === partition)).toBe(true);
      expect(events.map((e) => e.position)).toEqual([...events.map((e) => e.position)].sort((a, b) => a - b));
    }
    // Offsets are committed after the runner's commit: wait for them to reach the end of each partition.
    expect(await offsetsCommittedToEnd(topic, groupId)).toBe(true);
    await relay.stop();
    await feed.close();
  });

  it('shares a group between two members across a rebalance, applies every event and commits to the end', async () => {
    const topic = `${prefix}-members`;
    topics.push(topic);
    const partitions = 4;
    await withAdmin((admin) => ensureKafkaTopic({ admin, topic, partitions }));
    const store = createInMemoryEventStore();
    const appendMany = async (from: number) => {
      let last = 0;
      for (let i = from; i < from + 40; i += 1) {
        ({ position: last } = await store.appendToStream(`acct-${i % 10}`, [{ type: 'Deposited', data: { i } }]));
      }
      return last;
    };
    const relay = createKafkaRelay({ kafka, store, topic, checkpoints: mapCheckpoints() });
    await relay.start();
    await relay.whenRelayed(await appendMany(0));
    const groupId = `${prefix}-members`;
    const member = () =>
      createKafkaEventSource({ kafka, topic, groupId, headPosition: () => store.headPosition() }).open({
        partitions,
        partitionOf: (event) => partitionFor(event.streamId, partitions),
        after: [0, 0, 0, 0],
        maxBatchSize: 3,
        follow: true,
      });
    const received = new Map<number, RecordedEvent[]>();
    const seen = () => new Set([...received.values()].flatMap((list) => list.map((e) => e.position))).size;
    const first = member();
    drain(first, partitions, received);
    await until(() => seen() >= 10);
    const second = member();
    drain(second, partitions, received);
    await relay.whenRelayed(await appendMany(40));
    await until(() => seen() === 80);
    for (const [partition, events] of received) {
      expect(events.every((e) => partitionFor(e.streamId, partitions) === partition)).toBe(true);
    }
    expect(await offsetsCommittedToEnd(topic, groupId)).toBe(true);
    await Promise.all([first.close(), second.close(), relay.stop()]);
  });

  it('refuses to reuse a topic whose partition count differs, in the topic helper and the relay', async () => {
    const topic = `${prefix}-mismatch`;
    topics.push(topic);
    await withAdmin(async (admin) => {
      await ensureKafkaTopic({ admin, topic, partitions: 2 });
      await expect(ensureKafkaTopic({ admin, topic, partitions: 3 })).rejects.toMatchObject({
        code: 'KAFKA_TOPIC_MISMATCH',
      });
    });
    const relay = createKafkaRelay({
      kafka,
      store: createInMemoryEventStore(),
      topic,
      partitions: 3,
      checkpoints: mapCheckpoints(),
    });
    await expect(relay.start()).rejects.toMatchObject({ code: 'KAFKA_TOPIC_MISMATCH', actualPartitions: 2 });
  });

  it('after a relay crash the re-produced duplicates carry the same ids and the source skips them', async () => {
    const topic = `${prefix}-dupes`;
    topics.push(topic);
    await withAdmin((admin) => ensureKafkaTopic({ admin, topic, partitions: 1 }));
    const store = createInMemoryEventStore();
    const { position } = await store.appendToStream(
      'a',
      [1, 2, 3].map((i) => ({ type: 'E', data: { i } })),
    );
    // Two relays with fresh checkpoints: the second behaves like a relay that crashed before saving.
    for (const name of ['first', 'second']) {
      const relay = createKafkaRelay({ kafka, store, topic, name, checkpoints: mapCheckpoints() });
      await relay.start();
      await relay.whenRelayed(position);
      await relay.stop();
    }
    const source = createKafkaEventSource({
      kafka,
      topic,
      groupId: `${prefix}-dupes`,
      headPosition: async () => position,
    });
    const feed = source.open({ partitions: 1, partitionOf: () => 0, after: [0], maxBatchSize: 100, follow: true });
    const received = new Map<number, RecordedEvent[]>();
    drain(feed, 1, received);
    await until(() => (received.get(0)?.length ?? 0) >= 3);
    await feed.close();
    expect(received.get(0)?.map((e) => e.position)).toEqual([1, 2, 3]);
  });

  it('feeds the projection runner: read model complete and in stream order, rebuilds from the store', async () => {
    const topic = `${prefix}-runner`;
    topics.push(topic);
    const partitions = 3;
    await withAdmin((admin) => ensureKafkaTopic({ admin, topic, partitions }));
    const store = createInMemoryEventStore();
    for (let i = 0; i < 6; i += 1)
      await store.appendToStream(`acct-${i}`, [{ type: 'Opened', data: { owner: `o${i}` } }]);
    let head = 0;
    for (let n = 1; n <= 5; n += 1) {
      for (let i = 0; i < 6; i += 1) {
        ({ position: head } = await store.appendToStream(`acct-${i}`, [{ type: 'Deposited', data: { amount: n } }]));
      }
    }
    // Watermarks let idle partitions report they are at the head, so waitFor(head) completes.
    const relay = createKafkaRelay({ kafka, store, topic, partitions, checkpoints: mapCheckpoints() });
    await relay.start();
    const owners = defineProjection({
      name: `owners_${randomUUID().slice(0, 8)}`,
      partitions,
      sources: [fromEvents({ Opened: z.object({ owner: z.string() }), Deposited: z.object({ amount: z.number() }) })],
      indexes: { owner: 'string' },
      handlers: {
        Opened: (event) => upsert(event.streamId, { owner: event.data.owner, amounts: [] as number[] }),
        Deposited: (event) => patch(event.streamId, { last: event.data.amount }),
      },
    });
    const readStore = createInMemoryReadStore();
    const runner = createProjectionRunner({
      source: createKafkaEventSource({
        kafka,
        topic,
        groupIdPrefix: `${prefix}-`,
        headPosition: () => store.headPosition(),
      }),
      rebuildSource: createStoreEventSource(store),
      store: readStore,
      projections: [owners],
    });
    await runner.start();
    expect(await runner.waitFor(owners.name, head, { timeoutMs: 60_000 })).toMatchObject({ status: 'reached' });
    const page = await readStore.find(owners.name, { limit: 100 });
    expect(page.items.map((item) => item.document)).toEqual(
      Array.from({ length: 6 }, (_, i) => ({ owner: `o${i}`, amounts: [], last: 5 })),
    );
    await runner.stop();
    await relay.stop();
  });
  it('reaches the head after a burst of exactly k x batchSize events (watermarks on full batches)', async () => {
    const topic = `${prefix}-boundary`;
    topics.push(topic);
    const partitions = 4;
    const batchSize = 50;
    await withAdmin((admin) => ensureKafkaTopic({ admin, topic, partitions }));
    const store = createInMemoryEventStore();
    let head = 0;
    // Two streams only, so at least two partitions get no event of the last batch.
    for (let i = 0; i < 4 * batchSize; i += 1) {
      ({ position: head } = await store.appendToStream(`acct-${i % 2}`, [{ type: 'Deposited', data: { amount: i } }]));
    }
    const relay = createKafkaRelay({ kafka, store, topic, partitions, batchSize, checkpoints: mapCheckpoints() });
    await relay.start();
    await relay.whenRelayed(head);
    const totals = defineProjection({
      name: `totals_${randomUUID().slice(0, 8)}`,
      partitions,
      sources: [fromEvents({ Deposited: z.object({ amount: z.number() }) })],
      handlers: { Deposited: (event) => patch(event.streamId, { last: event.data.amount }) },
    });
    const runner = createProjectionRunner({
      source: createKafkaEventSource({ kafka, topic, groupIdPrefix: `${prefix}-`, headPosition: async () => head }),
      rebuildSource: createStoreEventSource(store),
      store: createInMemoryReadStore(),
      projections: [totals],
    });
    await runner.start();
    try {
      expect(await runner.waitFor(totals.name, head, { timeoutMs: 30_000 })).toMatchObject({ status: 'reached' });
    } finally {
      await runner.stop();
      await relay.stop();
    }
  });
});
