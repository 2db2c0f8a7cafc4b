import { readStoreContract } from '@ordo/projections/testing';
import { createSqliteReadStore } from './read-store.js';

readStoreContract(() => createSqliteReadStore({ path: ':memory:' }), 'SQLite read store');
