export {
  type Aggregate,
  type AggregateConfig,
  type AnyAggregate,
  type CommandInputOf,
  type CommandOf,
  defineAggregate,
  type EventOf,
  type StateOf,
  toEventList,
} from './aggregate.js';
export { type LoadedAggregate, type LoadOptions, type LoadSources, loadAggregate } from './aggregate-loader.js';
export { AppendSignal } from './append-signal.js';
export { arrayAsyncIterable } from './array-async-iterable.js';
export {
  type CatchUpSubscriptionSource,
  createCatchUpSubscription,
  type SubscriptionPage,
} from './catch-up-subscription.js';
export {
  type CommandHandler,
  type CommandHandlerOptions,
  type CommandOptions,
  type CommandResult,
  type ConflictRetryOptions,
  createCommandHandler,
} from './command-handler.js';
export { type CommandOutcome, commandInstruments } from './command-telemetry.js';
export { deterministicUuid } from './deterministic-id.js';
export {
  assertEntityId,
  entityIdProblem,
  entityIdSchema,
  InvalidIdError,
  maxEntityIdLength,
} from './entity-id.js';
export {
  CommandValidationError,
  ConcurrencyError,
  DomainError,
  DuplicateEventIdError,
  EventSchemaError,
  formatIssues,
  InvalidEventIdError,
  OrdoError,
  UnknownEventTypeError,
  type ValidationIssue,
} from './errors.js';
export type { EventMetadata, NewEvent, RecordedEvent } from './event.js';
export {
  createEventCodec,
  type EventCodec,
  type EventCodecOptions,
  type ReadValidation,
  type RecordedEventOf,
  type Upcaster,
  type UpcasterChains,
} from './event-codec.js';
export { type EventFilter, matchesFilter } from './event-filter.js';
export { canonicalEventId, withCanonicalEventIds } from './event-id.js';
export type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventSubscription,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
} from './event-store.js';
export { assertExpectedVersion, type ExpectedVersion, matchesExpectedVersion } from './expected-version.js';
export { findEarlierAppend, type StoredEventLocation } from './idempotent-append.js';
export { createInMemoryEventStore } from './in-memory-event-store.js';
export { createInMemorySnapshotStore } from './in-memory-snapshot-store.js';
export { forEachItem, hasPages, type PagedAsyncIterable } from './paged-async-iterable.js';
export { type BackoffOptions, backoffDelay, sleep } from './retry.js';
export type { MessageInputOf, MessageOf, SchemaMap } from './schema-map.js';
export { type SnapshotDecision, type SnapshotPolicy, snapshotEvery } from './snapshot-policy.js';
export { type Snapshot, type SnapshotStore, shouldReplaceSnapshot } from './snapshot-store.js';
export { createStateCache, type StateCache } from './state-cache.js';
export { readStreamRange } from './stream-range.js';
export {
  causingTraceContexts,
  type GaugeRecorder,
  getTelemetry,
  type InstrumentDescription,
  noopTelemetry,
  setTelemetry,
  storedTraceContext,
  type Telemetry,
  type TelemetryAttributes,
  type TelemetryCounter,
  type TelemetryHistogram,
  type TelemetrySpan,
  type TelemetrySpanKind,
  type TelemetrySpanOptions,
  type TraceCarrier,
} from './telemetry.js';
export { timeOrderedUuid } from './time-ordered-uuid.js';
