export { AsyncQueue } from './async-queue.js';
export { type CommitOutcome, CommitTracker } from './commit-tracker.js';
export {
  KafkaGroupInUseError,
  KafkaMessageFormatError,
  KafkaPartitioningError,
  KafkaRecordTooLargeError,
  KafkaReplayUnsupportedError,
  KafkaTopicMismatchError,
} from './errors.js';
export {
  type EventRecord,
  fromKafkaMessage,
  headerText,
  ordoHeaders,
  type RecordOrigin,
  toKafkaMessage,
  toWatermarkMessage,
  watermarkOf,
} from './event-message.js';
export { createKafkaEventSource, type KafkaEventSourceOptions } from './kafka-event-source.js';
export {
  createIdempotentProducer,
  createKafkaRelay,
  type KafkaRelay,
  type KafkaRelayOptions,
  type RelayProducer,
} from './kafka-relay.js';
export { type EnsureKafkaTopicOptions, ensureKafkaTopic, fetchPartitionCount } from './kafka-topic.js';
export { lingerBatches } from './linger-batches.js';
export { type KafkaBatchStep, type KafkaRecord, type PlanOptions, planKafkaBatch } from './plan-kafka-batch.js';
export { recordBytes, splitRecords } from './split-records.js';
