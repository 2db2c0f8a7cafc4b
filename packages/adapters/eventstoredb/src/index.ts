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
  EsdbSharedPositionError,
  EsdbStreamDeletedError,
  EsdbStreamTruncatedError,
  EsdbSubscriptionFailedError,
} from './errors.js';
export type {
  EsdbAppendOptions,
  EsdbAppendResult,
  EsdbClient,
  EsdbEventData,
  EsdbExpectedRevision,
  EsdbFilter,
  EsdbPosition,
  EsdbRecordedEvent,
  EsdbResolvedEvent,
  EsdbStreamingRead,
  EsdbStreamMetadataResult,
  EsdbSubscription,
} from './esdb-client.js';
export { passesServerFilter, toServerFilter } from './esdb-filter.js';
export { assertOwnCommitPosition, readPositionAfter, resumeFrom, toOrdoPosition } from './esdb-position.js';
export {
  createEsdbSubscription,
  type EsdbSubscriptionOptions,
  type ResubscribeOptions,
} from './esdb-subscription.js';
export { ordoMetadataKey, toEventData, toRecordedEvent } from './event-mapping.js';
export { createEsdbEventStore, type EsdbEventStore, type EsdbEventStoreOptions } from './event-store.js';
export { revisionOfVersion, toExpectedRevision, versionOfRevision } from './expected-revision.js';
