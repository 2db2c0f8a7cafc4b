export {
  isResubscribable,
  isStreamDeleted,
  isStreamNotFound,
  toAppendError,
  toConcurrencyError,
} from './error-translation.js';
export {
  EsdbAppendMismatchError,
  EsdbAppendTooLargeError,
  EsdbPositionError,
  EsdbStreamDeletedError,
} from './errors.js';
export type {
  EsdbAppendResult,
  EsdbClient,
  EsdbEventData,
  EsdbExpectedRevision,
  EsdbFilter,
  EsdbPosition,
  EsdbRecordedEvent,
  EsdbResolvedEvent,
  EsdbStreamingRead,
  EsdbSubscription,
} from './esdb-client.js';
export { toServerFilter } from './esdb-filter.js';
export { coveredByCheckpoint, readPositionAfter, toOrdoPosition } from './esdb-position.js';
export {
  createEsdbSubscription,
  type EsdbSubscriptionOptions,
  type ResubscribeOptions,
} from './esdb-subscription.js';
export { ordoMetadataKey, toEventData, toRecordedEvent } from './event-mapping.js';
export { createEsdbEventStore, type EsdbEventStore, type EsdbEventStoreOptions } from './event-store.js';
export { revisionOfVersion, toExpectedRevision, versionOfRevision } from './expected-revision.js';
