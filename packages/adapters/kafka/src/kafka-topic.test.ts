import type { Admin, ITopicConfig } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaTopicMismatchError } from './errors.js';
import { ensureKafkaTopic } from './kafka-topic.js';

/** A scripted admin that remembers topics like a broker would (the broker is covered by kafka.int.test.ts). */
function scriptedAdmin(existing: Record<string, number> = {}) {
  const created: ITopicConfig[] = [];
  const topics = { ...existing };
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
  });

  it('accepts an existing topic with the same partition count and refuses one with another', async () => {
    const { admin } = scriptedAdmin({ same: 4, other: 6 });
    await expect(ensureKafkaTopic({ admin, topic: 'same', partitions: 4 })).resolves.toBeUndefined();
    const error = await ensureKafkaTopic({ admin, topic: 'other', partitions: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaTopicMismatchError);
    expect(error).toMatchObject({ expectedPartitions: 4, actualPartitions: 6 });
  });

  it('rejects a partition count below 1', async () => {
    const { admin } = scriptedAdmin();
    await expect(ensureKafkaTopic({ admin, topic: 't', partitions: 0 })).rejects.toThrow(RangeError);
  });
});
