export {
  createPostgresCheckpointStore,
  type PostgresCheckpointStore,
  type PostgresCheckpointStoreOptions,
} from './checkpoint-store.js';
export {
  openPostgresDatabase,
  type PostgresConnectionOptions,
  type PostgresDatabase,
  type TransactionQuery,
} from './database.js';
export {
  createPostgresDeadLetterStore,
  type PostgresDeadLetterStore,
  type PostgresDeadLetterStoreOptions,
} from './dead-letter-store.js';
export {
  createPostgresDeadlineStore,
  type PostgresDeadlineStore,
  type PostgresDeadlineStoreOptions,
} from './deadline-store.js';
export {
  InvalidSchemaNameError,
  isRetryable,
  PostgresQueryError,
  PostgresUnavailableError,
  ReadOnlyStoreError,
  SchemaTooNewError,
  StorageFullError,
  StoreClosedError,
  translatePostgresError,
} from './errors.js';
export { createPostgresEventStore, type PostgresEventStore, type PostgresEventStoreOptions } from './event-store.js';
export { migrations, type PostgresMigration } from './migrations.js';
export { createPostgresReadStore, type PostgresReadStore, type PostgresReadStoreOptions } from './read-store.js';
export {
  createPostgresSnapshotStore,
  type PostgresSnapshotStore,
  type PostgresSnapshotStoreOptions,
} from './snapshot-store.js';
