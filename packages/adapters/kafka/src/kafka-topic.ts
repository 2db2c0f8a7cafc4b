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
}

/**
 * Creates the topic with the given partition count, or checks an existing one has it. Uses only
 * CreateTopics and Metadata, which brokers from 2.4 on serve (ZooKeeper or KRaft).
 *
 * @example
 * await admin.connect();
 * await ensureKafkaTopic({ admin, topic: 'ordo-events', partitions: 8 });
 */
export async function ensureKafkaTopic(options: EnsureKafkaTopicOptions): Promise<void> {
  const { admin, topic, partitions } = options;
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`Invalid partition count ${partitions}`);
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: partitions, replicationFactor: options.replicationFactor ?? 1 }],
  });
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const actual = topics.find((t) => t.name === topic)?.partitions.length ?? 0;
  if (actual !== partitions) throw new KafkaTopicMismatchError(topic, partitions, actual);
}
