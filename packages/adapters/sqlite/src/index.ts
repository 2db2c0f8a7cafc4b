export {
  createSqliteCheckpointStore,
  type SqliteCheckpointStore,
  type SqliteCheckpointStoreOptions,
} from './checkpoint-store.js';
export {
  migrateSqliteDatabase,
  openSqliteDatabase,
  ordoApplicationId,
  type SqliteDatabaseOptions,
  type SqliteSynchronous,
} from './database.js';
export {
  createSqliteDeadLetterStore,
  type SqliteDeadLetterStore,
  type SqliteDeadLetterStoreOptions,
} from './dead-letter-store.js';
export {
  createSqliteDeadlineStore,
  type SqliteDeadlineStore,
  type SqliteDeadlineStoreOptions,
} from './deadline-store.js';
export {
  NotAnOrdoDatabaseError,
  ReadOnlyStoreError,
  SchemaTooNewError,
  StorageFullError,
  StoreBusyError,
  StoreClosedError,
  translateSqliteError,
} from './errors.js';
export { createSqliteEventStore, type SqliteEventStore, type SqliteEventStoreOptions } from './event-store.js';
export { type Migration, migrations } from './migrations.js';
export { createSqliteReadStore, type SqliteReadStore, type SqliteReadStoreOptions } from './read-store.js';
export {
  createSqliteSnapshotStore,
  type SqliteSnapshotStore,
  type SqliteSnapshotStoreOptions,
} from './snapshot-store.js';
export { type SqliteWriteQueue, sqliteWriteQueue, type WriteWork } from './write-queue.js';
