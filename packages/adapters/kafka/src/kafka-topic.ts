import { sleep } from '@ordo/core';
import type { Admin } from 'kafkajs';
import { KafkaTopicMismatchError } from './errors.js';

export interface EnsureKafkaTopicOptions {
  /** A connected kafkajs admin client. */
  readonly admin: Pick<Admin, 'createTopics' | 'fetchTopicMetadata'>;
  readonly topic: string;
  /** Must equal the projections' partition count, so Kafka and the embedded runner agree. */
  readonly partitions: number;
  /** Default 1 (a single dev broker); use 3 in production. */
  readonly replicationFactor?: number;
  /** How long to wait for a new topic's leaders and for every broker's metadata to show it. Default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * Creates the topic with the given partition count, or checks an existing one has it (kafkajs
 * answers `false` instead of TOPIC_ALREADY_EXISTS). Uses only CreateTopics and Metadata, which
 * brokers from 2.4 on serve (ZooKeeper or KRaft).
 *
 * @example
 * await admin.connect();
 * await ensureKafkaTopic({ admin, topic: 'ordo-events', partitions: 8 });
 */
export async function ensureKafkaTopic(options: EnsureKafkaTopicOptions): Promise<void> {
  const { admin, topic, partitions } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`Invalid partition count ${partitions}`);
  await admin.createTopics({
    waitForLeaders: true,
    timeout: timeoutMs,
    topics: [{ topic, numPartitions: partitions, replicationFactor: options.replicationFactor ?? 1 }],
  });
  // The controller knows the topic at once; the broker asked for metadata may learn of it a little later.
  const deadline = Date.now() + timeoutMs;
  let actual = await fetchPartitionCount(admin, topic);
  while (actual === 0 && Date.now() < deadline) {
    await sleep(100);
    actual = await fetchPartitionCount(admin, topic);
  }
  if (actual !== partitions) throw new KafkaTopicMismatchError(topic, partitions, actual);
}

/** The topic's partition count in the cluster metadata; 0 when the broker does not know the topic. */
export async function fetchPartitionCount(admin: Pick<Admin, 'fetchTopicMetadata'>, topic: string): Promise<number> {
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics.find((t) => t.name === topic)?.partitions.length ?? 0;
  } catch (error) {
    if ((error as { type?: unknown } | null)?.type === 'UNKNOWN_TOPIC_OR_PARTITION') return 0;
    throw error;
  }
}
