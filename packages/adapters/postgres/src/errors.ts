import { OrdoError } from '@ordo/core';

/**
 * PostgreSQL could not be reached or dropped the connection (refused, reset, shutting down, too
 * many clients). Retryable: an append that failed this way may or may not have committed, and
 * retrying it with the same event ids is idempotent.
 */
export class PostgresUnavailableError extends OrdoError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly retryable = true;
  constructor(reason: string, options?: ErrorOptions) {
    super(
      `PostgreSQL is unavailable (${reason}); retry: an append retried with the same event ids is idempotent`,
      options,
    );
  }
}

/** PostgreSQL refused a statement for a reason Ordo has no dedicated error for; `sqlState` says which. */
export class PostgresQueryError extends OrdoError {
  readonly code = 'POSTGRES_ERROR';
  constructor(
    readonly sqlState: string | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(
      `PostgreSQL refused the operation${sqlState === undefined ? '' : ` (SQLSTATE ${sqlState})`}: ${message}`,
      options,
    );
  }
}

/** The schema was migrated by a newer Ordo whose layout this code does not know. */
export class SchemaTooNewError extends OrdoError {
  readonly code = 'SCHEMA_TOO_NEW';
  constructor(
    readonly schema: string,
    readonly schemaVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `Schema ${schema} has Ordo schema version ${schemaVersion}; this Ordo supports up to ${supportedVersion}: upgrade Ordo`,
    );
  }
}

/** A schema name Ordo cannot embed in identifiers and channel names. */
export class InvalidSchemaNameError extends OrdoError {
  readonly code = 'INVALID_SCHEMA_NAME';
  constructor(readonly schema: string) {
    super(`Schema name ${JSON.stringify(schema)} must match [a-z_][a-z0-9_]{0,49}`);
  }
}

/** The disk of the server is full; the statement was rolled back. */
export class StorageFullError extends OrdoError {
  readonly code = 'STORAGE_FULL';
  constructor(options?: ErrorOptions) {
    super('PostgreSQL is out of disk space: the write was rolled back', options);
  }
}

/** The server (a hot standby, or `default_transaction_read_only`) refused a write. */
export class ReadOnlyStoreError extends OrdoError {
  readonly code = 'READ_ONLY_STORE';
  constructor(options?: ErrorOptions) {
    super('PostgreSQL refused the write: the connection is read-only', options);
  }
}

/** The store was closed. */
export class StoreClosedError extends OrdoError {
  readonly code = 'STORE_CLOSED';
  constructor() {
    super('The PostgreSQL store is closed');
  }
}

// Connection exceptions, shutdowns, "too many clients", and the transaction rollbacks a retry resolves.
const unavailableStates = /^(08|57P0[1-3]|53300|40001|40P01)/;
const unavailableNodeCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const unavailableMessages =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Connection ended/i;

/**
 * Maps anything node-postgres throws onto Ordo's typed errors, so no raw driver error reaches a
 * caller; an `OrdoError` passes through unchanged.
 */
export function translatePostgresError(error: unknown): OrdoError {
  if (error instanceof OrdoError) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const options = { cause: error };
  if (typeof code === 'string' && unavailableNodeCodes.has(code)) return new PostgresUnavailableError(code, options);
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if (sqlState !== undefined && unavailableStates.test(sqlState)) return new PostgresUnavailableError(message, options);
  if (sqlState === undefined && unavailableMessages.test(message))
    return new PostgresUnavailableError(message, options);
  if (sqlState === '53100') return new StorageFullError(options);
  if (sqlState === '25006') return new ReadOnlyStoreError(options);
  return new PostgresQueryError(sqlState, message, options);
}

/** Whether an error is worth retrying as is: the server was unreachable or rolled the statement back. */
export function isRetryable(error: unknown): boolean {
  return error instanceof PostgresUnavailableError;
}

/** A deadline whose `dueAt` is not a date; nothing was stored. */
export class InvalidDeadlineError extends OrdoError {
  readonly code = 'INVALID_DEADLINE';
  constructor(
    readonly deadlineId: string,
    readonly dueAt: string,
  ) {
    super(`Deadline ${deadlineId} has dueAt ${JSON.stringify(dueAt)}, which is not an ISO-8601 instant`);
  }
}
