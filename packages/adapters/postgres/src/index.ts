export {
  openPostgresDatabase,
  type PostgresConnectionOptions,
  type PostgresDatabase,
  type TransactionQuery,
} from './database.js';
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
