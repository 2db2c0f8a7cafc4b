import { existsSync } from 'node:fs';
import {
  createSqliteDeadLetterStore,
  createSqliteEventStore,
  createSqliteReadStore,
  type SqliteDeadLetterStore,
  type SqliteEventStore,
  type SqliteReadStore,
} from '@ordo/sqlite';
import { UnavailableError } from './cli-error.js';

export interface SqliteStores {
  readonly store: SqliteEventStore;
  readonly readStore: SqliteReadStore;
  readonly deadLetters: SqliteDeadLetterStore;
  close(): Promise<void>;
}

/**
 * Opens an existing Ordo SQLite file for `ordo`: one shared connection (so `ordo` can lock it for
 * an alias switch), and never a new empty file for a mistyped path.
 *
 * @example
 * const { store, readStore, deadLetters } = openSqliteStores({ path: 'data/banking.sqlite' });
 */
export function openSqliteStores(options: { readonly path: string }): SqliteStores {
  if (!existsSync(options.path)) {
    throw new UnavailableError('STORE_NOT_FOUND', `No store at ${options.path}: the file does not exist`);
  }
  const store = createSqliteEventStore({ path: options.path });
  const { database } = store;
  const readStore = createSqliteReadStore({ database });
  const deadLetters = createSqliteDeadLetterStore({ database });
  return {
    store,
    readStore,
    deadLetters,
    async close() {
      await readStore.close();
      await deadLetters.close();
      await store.close();
    },
  };
}
