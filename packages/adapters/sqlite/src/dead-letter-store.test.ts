import { deadLetterStoreContract } from '@ordo/projections/testing';
import { createSqliteDeadLetterStore } from './dead-letter-store.js';

deadLetterStoreContract(() => createSqliteDeadLetterStore({ path: ':memory:' }), 'SQLite dead-letter store');
