export type { CheckpointStore } from './checkpoint-store.js';
export { OperationCoalescer } from './coalesce-operations.js';
export { combineProjectionRunners } from './combine-projection-runners.js';
export {
  type DeadLetter,
  type DeadLetterQuery,
  type DeadLetterStore,
  type ParkedError,
  toParkedError,
} from './dead-letter-store.js';
export {
  CollectionNotFoundError,
  DuplicateProjectionError,
  InvalidProjectionError,
  InvalidQueryError,
  PartitionHaltedError,
  UnknownProjectionError,
} from './errors.js';
export type { PartitionedEventSource, PartitionedFeed, SourceBatch, SourceRequest } from './event-source.js';
export { defaultRetryOptions, type FailurePolicy, type RetryOptions } from './failure-policy.js';
export { createInMemoryCheckpointStore } from './in-memory-checkpoint-store.js';
export { createInMemoryDeadLetterStore } from './in-memory-dead-letter-store.js';
export { createInMemoryReadStore } from './in-memory-read-store.js';
export { createPartitioner, murmur2, partitionFor } from './partitioner.js';
export {
  createDeadlineScheduler,
  type DeadlineScheduler,
  type DeadlineSchedulerOptions,
} from './process-manager/deadline-scheduler.js';
export { type Deadline, type DeadlineStore, deadlineSchema } from './process-manager/deadline-store.js';
export {
  defineProcessManager,
  type ProcessManagerConfig,
  type ProcessManagerDefinition,
  type ProcessStep,
  type ProcessTargets,
  type ProcessTriggers,
  type TargetCommand,
} from './process-manager/define-process-manager.js';
export {
  InvalidProcessDataError,
  InvalidProcessManagerError,
  ProcessNeedsAttentionError,
} from './process-manager/errors.js';
export { createInMemoryDeadlineStore } from './process-manager/in-memory-deadline-store.js';
export {
  type ProcessAggregate,
  type ProcessFailure,
  type ProcessHistoryEntry,
  type ProcessState,
  type ProcessStatus,
  processStatusSchema,
  terminalStatuses,
} from './process-manager/process-aggregate.js';
export { type ProcessDocument, toProcessDocument } from './process-manager/process-document.js';
export {
  createProcessManager,
  type ProcessManager,
  type ProcessManagerRuntime,
} from './process-manager/process-manager.js';
export {
  type AnyProjection,
  defineProjection,
  type EvolveProjectionConfig,
  fromEvents,
  type HandlerResult,
  type HandlersProjectionConfig,
  isStreamKeyed,
  type Projection,
  type ProjectionApply,
  type ProjectionHandlers,
  type ProjectionSource,
  type SourceEvent,
  streamIdPartitionKey,
} from './projection.js';
export {
  createProjectionRunner,
  type ProjectionRunner,
  type ProjectionRunnerOptions,
  type RebuildOptions,
} from './projection-runner.js';
export type {
  PartitionStatus,
  ProjectionStatus,
  RebuildProgress,
  WaitForOptions,
  WaitForResult,
} from './projection-status.js';
export { defineReactor, type ReactorConfig, type ReactorHandlers } from './reactor.js';
export {
  type DeleteOperation,
  type Document,
  type DocumentOperation,
  type PatchOperation,
  patch,
  type ReadModelOperation,
  remove,
  type UpsertOperation,
  upsert,
} from './read-model-operation.js';
export {
  type CursorPosition,
  compareValues,
  encodeCursor,
  type FilterCondition,
  type FilterValue,
  type FindQuery,
  type FindQueryInput,
  fieldPathSchema,
  fieldValue,
  filterConditionSchema,
  filterOperators,
  findQuerySchema,
  type IndexDefinitions,
  type IndexType,
  indexDefinitionsSchema,
  indexTypeSchema,
  parseFindQuery,
  type SortSpec,
} from './read-model-query.js';
export type { CollectionOptions, FindPage, PartitionCommit, ReadStore, StoredDocument } from './read-store.js';
export {
  createSplitFeedRunner,
  type SplitFeedRunner,
  type SplitFeedRunnerOptions,
  type StreamKeyedSource,
  splitByFeed,
} from './split-feed-runner.js';
export { createStoreEventSource, type StoreEventSourceOptions } from './store-event-source.js';
