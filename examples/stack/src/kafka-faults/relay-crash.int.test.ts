import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@ordo/core';
import { createKafkaEventSource, fromKafkaMessage, watermarkOf } from '@ordo/kafka';
import { partitionFor } from '@ordo/projections';
import { afterAll, describe, expect, it } from 'vitest';
import {
  brokers,
  createFaultTopic,
  deleteTopics,
  kafka,
  killHard,
  seedStore,
  startChild,
  stopGracefully,
  topicRecords,
  until,
} from './fault-support.js';
import { faultPartitions } from './ledger-projection.js';

const prefix = `ordo-fault-${randomUUID().slice(0, 8)}`;
const topics: string[] = [];
afterAll(() => deleteTopics(topics));

/** Every record of the topic as produced: partition, then offset order. */
async function readTopic(topic: string, expected: number): Promise<Map<number, RecordedEvent[]>> {
  const consumer = kafka.consumer({ groupId: `${topic}-raw`, allowAutoTopicCreation: false });
  const byPartition = new Map<number, RecordedEvent[]>();
  let seen = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen += 1;
      if (watermarkOf(message.headers) !== undefined) return;
      const list = byPartition.get(partition) ?? [];
      list.push(fromKafkaMessage(message.value, { topic, partition, offset: message.offset }));
      byPartition.set(partition, list);
    },
  });
  await until(() => seen >= expected);
  await consumer.disconnect();
  return byPartition;
}

describe.skipIf(brokers === undefined)('the Kafka relay killed with SIGKILL in the middle of sending', () => {
  it('after a restart every event is on its stream partition in stream order, none missing, duplicates dropped by position', async () => {
    const topic = `${prefix}-relay`;
    topics.push(topic);
    await createFaultTopic(topic);
    const seeded = await seedStore(40, 100);
    const env = { ORDO_FAULT_DB: seeded.path, ORDO_FAULT_TOPIC: topic };
    try {
      const first = startChild('./relay-child.ts', env);
      await first.waitFor(/started at 0/);
      // Killed once a good part, but not all, is on the topic: a send is in flight at that moment.
      await until(async () => (await topicRecords(topic)) > seeded.head / 4, 60_000);
      await killHard(first);
      expect(first.output()).not.toMatch(/relayed/);
      const afterKill = await topicRecords(topic);
      expect(afterKill).toBeLessThan(seeded.head);

      const second = startChild('./relay-child.ts', env);
      const [, resumedAt] = await second.waitFor(/started at (\d+)/);
      expect(Number(resumedAt)).toBeGreaterThan(0);
      await second.waitFor(new RegExp(`relayed ${seeded.head}`));
      await stopGracefully(second);

      const raw = await readTopic(topic, await topicRecords(topic));
      const positions = new Set<number>();
      for (const [partition, events] of raw) {
        // Each stream's events sit on the partition the projections assign it.
        expect(events.every((event) => partitionFor(event.streamId, faultPartitions) === partition)).toBe(true);
        for (const event of events) positions.add(event.position);
      }
      expect(positions.size).toBe(seeded.head);
      const produced = [...raw.values()].reduce((sum, events) => sum + events.length, 0);
      console.info(
        `relay killed after ${afterKill} records, resumed at ${resumedAt}: ${produced - seeded.head} duplicates`,
      );

      // The Kafka source drops the duplicates by position: each partition strictly in order, each stream gap-free.
      const source = createKafkaEventSource({
        kafka,
        topic,
        groupId: `${topic}-ordo`,
        headPosition: async () => seeded.head,
      });
      const feed = source.open({
        partitions: faultPartitions,
        partitionOf: (event) => partitionFor(event.streamId, faultPartitions),
        after: Array.from({ length: faultPartitions }, () => 0),
        maxBatchSize: 200,
        follow: true,
      });
      const delivered = new Map<number, RecordedEvent[]>();
      const done = new Map<number, number>();
      for (let partition = 0; partition < faultPartitions; partition += 1) {
        void (async () => {
          for await (const batch of feed.batches(partition)) {
            delivered.set(partition, [...(delivered.get(partition) ?? []), ...batch.events]);
            done.set(partition, batch.scannedTo);
            feed.committed?.(partition, batch.scannedTo);
          }
        })();
      }
      await until(() => [...Array(faultPartitions).keys()].every((p) => (done.get(p) ?? 0) >= seeded.head));
      await feed.close();
      const all = [...delivered.values()].flat();
      expect(all).toHaveLength(seeded.head);
      for (const events of delivered.values()) {
        const ordered = events.map((event) => event.position);
        expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
        const versions = new Map<string, number>();
        for (const event of events) {
          expect(event.streamVersion).toBe((versions.get(event.streamId) ?? 0) + 1);
          versions.set(event.streamId, event.streamVersion);
        }
      }
    } finally {
      seeded.remove();
    }
  });
});
