import { OrdoError } from '@ordo/core';
import Database from 'better-sqlite3';

/** The file exists but is not an Ordo store: not SQLite at all, or SQLite owned by someone else. */
export class NotAnOrdoDatabaseError extends OrdoError {
  readonly code = 'NOT_AN_ORDO_DATABASE';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} is not an Ordo database: ${reason}`);
  }
}

/** The file was written by a newer Ordo whose schema this code does not know. */
export class SchemaTooNewError extends OrdoError {
  readonly code = 'SCHEMA_TOO_NEW';
  constructor(
    readonly path: string,
    readonly fileVersion: number,
    readonly supportedVersion: number,
  ) {
    super(`${path} has schema version ${fileVersion}; this Ordo supports up to ${supportedVersion}: upgrade Ordo`);
  }
}

/** A write reached a store opened read-only (or a file the process may not write). */
export class ReadOnlyStoreError extends OrdoError {
  readonly code = 'READ_ONLY_STORE';
  constructor(message = 'The SQLite store is read-only', options?: ErrorOptions) {
    super(message, options);
  }
}

/** The disk (or the configured `maxPageCount`) has no room for the write; nothing of it was kept. */
export class StorageFullError extends OrdoError {
  readonly code = 'STORAGE_FULL';
  constructor(options?: ErrorOptions) {
    super('The SQLite store is full: the write was rolled back', options);
  }
}

/** Another process held the write lock for longer than `busyTimeoutMs`. */
export class StoreBusyError extends OrdoError {
  readonly code = 'STORE_BUSY';
  constructor(options?: ErrorOptions) {
    super('The SQLite store stayed locked by another writer past the busy timeout', options);
  }
}

/** The store (or its database connection) was closed. */
export class StoreClosedError extends OrdoError {
  readonly code = 'STORE_CLOSED';
  constructor() {
    super('The SQLite store is closed');
  }
}

/** Maps SQLite's result codes onto Ordo's typed errors; anything else is returned unchanged. */
export function translateSqliteError(error: unknown, path = 'database'): unknown {
  if (!(error instanceof Database.SqliteError)) {
    if (error instanceof TypeError && /database connection is not open/.test(error.message)) {
      return new StoreClosedError();
    }
    return error;
  }
  const code = error.code;
  if (code === 'SQLITE_FULL') return new StorageFullError({ cause: error });
  if (code.startsWith('SQLITE_READONLY')) return new ReadOnlyStoreError(undefined, { cause: error });
  if (code.startsWith('SQLITE_BUSY')) return new StoreBusyError({ cause: error });
  if (code === 'SQLITE_NOTADB') return new NotAnOrdoDatabaseError(path, 'the file is not an SQLite database');
  return error;
}
