import { OrdoError, type ValidationIssue } from '@ordo/core';

/** A record on the topic is not an Ordo event envelope (written by another producer, or corrupted). */
export class KafkaMessageFormatError extends OrdoError {
  readonly code = 'KAFKA_MESSAGE_FORMAT';
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`Record ${topic}/${partition}@${offset} is not an Ordo event: ${issues.map((i) => i.message).join('; ')}`);
  }
}

/** The topic exists with another partition count than the projection or relay expects. */
export class KafkaTopicMismatchError extends OrdoError {
  readonly code = 'KAFKA_TOPIC_MISMATCH';
  constructor(
    readonly topic: string,
    readonly expectedPartitions: number,
    readonly actualPartitions: number,
  ) {
    super(`Topic ${topic} has ${actualPartitions} partitions; expected ${expectedPartitions}`);
  }
}

/** The Kafka source only follows live; bounded replays and rebuilds read the event store directly. */
export class KafkaReplayUnsupportedError extends OrdoError {
  readonly code = 'KAFKA_REPLAY_UNSUPPORTED';
  constructor() {
    super('The Kafka event source cannot serve a bounded replay; rebuild from the event store source');
  }
}

/** A record sits on another partition than the projection's partitioner assigns its key to. */
export class KafkaPartitioningError extends OrdoError {
  readonly code = 'KAFKA_PARTITIONING';
  constructor(
    readonly streamId: string,
    readonly kafkaPartition: number,
    readonly expectedPartition: number,
  ) {
    super(
      `Stream ${streamId} was produced to partition ${kafkaPartition} but the projection assigns it ${expectedPartition}; ` +
        'produce with the default (murmur2) partitioner and the same partition count',
    );
  }
}

/** A second feed asked for a consumer group this source already runs: the two would split its partitions. */
export class KafkaGroupInUseError extends OrdoError {
  readonly code = 'KAFKA_GROUP_IN_USE';
  constructor(readonly groupId: string) {
    super(`Consumer group ${groupId} already feeds a projection here; give each projection its own group`);
  }
}

/** Kafka refused a produce request as too large (`message.max.bytes` / the topic's `max.message.bytes`). */
export class KafkaRecordTooLargeError extends OrdoError {
  readonly code = 'KAFKA_RECORD_TOO_LARGE';
  constructor(
    readonly topic: string,
    readonly firstPosition: number,
    readonly lastPosition: number,
    readonly bytes: number,
    override readonly cause: unknown,
  ) {
    super(
      `Kafka refused ${bytes} bytes of events ${firstPosition}..${lastPosition} for ${topic} as too large; ` +
        "raise the topic's max.message.bytes (and the broker's message.max.bytes) or lower the relay's maxBatchBytes",
    );
  }
}
