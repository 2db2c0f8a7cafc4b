export { coalesceOperations, toBulkOperations } from './bulk-operations.js';
export {
  createMongoCheckpointStore,
  type MongoCheckpointStore,
  type MongoCheckpointStoreOptions,
} from './checkpoint-store.js';
export {
  createMongoDeadLetterStore,
  type MongoDeadLetterStoreOptions,
} from './dead-letter-store.js';
export {
  createMongoDeadlineStore,
  type MongoDeadlineStore,
  type MongoDeadlineStoreOptions,
} from './deadline-store.js';
export { maxDocumentBytes } from './document-size.js';
export {
  isDuplicateKey,
  isMongoOutage,
  isOnlyStaleUpserts,
  MongoCollectionNameError,
  MongoDocumentTooLargeError,
  MongoInvalidDeadlineError,
} from './mongo-errors.js';
export { documentField, type MongoFind, toMongoFind } from './mongo-query.js';
export { createMongoReadStore, type MongoReadStore, type MongoReadStoreOptions } from './read-store.js';
export { createMongoSnapshotStore, type MongoSnapshotStoreOptions } from './snapshot-store.js';
export { detectTransactions, supportsTransactions } from './topology.js';
