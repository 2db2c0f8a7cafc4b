import type { Admin, ITopicConfig } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaTopicMismatchError } from './errors.js';
import { ensureKafkaTopic, fetchPartitionCount } from './kafka-topic.js';

/** A scripted admin that remembers topics like a broker would (the broker is covered by kafka.int.test.ts). */
function scriptedAdmin(existing: Record<string, number> = {}, { staleMetadataCalls = 0 } = {}) {
  const created: ITopicConfig[] = [];
  const topics = { ...existing };
  let stale = staleMetadataCalls;
  const admin: Pick<Admin, 'createTopics' | 'fetchTopicMetadata'> = {
    async createTopics({ topics: requested }) {
      created.push(...requested);
      let any = false;
      for (const topic of requested) {
        if (topics[topic.topic] !== undefined) continue;
        topics[topic.topic] = topic.numPartitions ?? 1;
        any = true;
      }
      return any;
    },
    async fetchTopicMetadata(options) {
      // Like kafkajs: a broker that does not (yet) know a topic answers UNKNOWN_TOPIC_OR_PARTITION.
      const unknown = (options?.topics ?? []).some((name) => topics[name] === undefined);
      if (unknown || stale-- > 0)
        throw Object.assign(new Error('This server does not host this topic-partition'), {
          type: 'UNKNOWN_TOPIC_OR_PARTITION',
        });
      return {
        topics: (options?.topics ?? []).map((name) => ({
          name,
          partitions: Array.from({ length: topics[name] ?? 0 }, (_, partitionId) => ({
            partitionErrorCode: 0,
            partitionId,
            leader: 1,
            replicas: [1],
            isr: [1],
          })),
        })),
      };
    },
  };
  return { admin, created };
}

describe('ensureKafkaTopic', () => {
  it('creates the topic with the partition count and replication factor', async () => {
    const { admin, created } = scriptedAdmin();
    await ensureKafkaTopic({ admin, topic: 'events', partitions: 8, replicationFactor: 3 });
    expect(created).toEqual([{ topic: 'events', numPartitions: 8, replicationFactor: 3 }]);
    await expect(fetchPartitionCount(admin, 'events')).resolves.toBe(8);
    await expect(fetchPartitionCount(admin, 'missing')).resolves.toBe(0);
  });

  it('accepts an existing topic with the same partition count and refuses one with another', async () => {
    const { admin } = scriptedAdmin({ same: 4, other: 6 });
    await expect(ensureKafkaTopic({ admin, topic: 'same', partitions: 4 })).resolves.toBeUndefined();
    const error = await ensureKafkaTopic({ admin, topic: 'other', partitions: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaTopicMismatchError);
    expect(error).toMatchObject({ expectedPartitions: 4, actualPartitions: 6 });
  });

  it('waits until the metadata of a broker that learns of the new topic late shows it', async () => {
    const { admin } = scriptedAdmin({}, { staleMetadataCalls: 2 });
    await expect(ensureKafkaTopic({ admin, topic: 'events', partitions: 3 })).resolves.toBeUndefined();
  });

  it('gives up with a typed error when the topic never shows up', async () => {
    const { admin } = scriptedAdmin({}, { staleMetadataCalls: Number.POSITIVE_INFINITY });
    await expect(ensureKafkaTopic({ admin, topic: 'events', partitions: 3, timeoutMs: 0 })).rejects.toMatchObject({
      code: 'KAFKA_TOPIC_MISMATCH',
      actualPartitions: 0,
    });
  });

  it('rejects a partition count below 1', async () => {
    const { admin } = scriptedAdmin();
    await expect(ensureKafkaTopic({ admin, topic: 't', partitions: 0 })).rejects.toThrow(RangeError);
  });
});
