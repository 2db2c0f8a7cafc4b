import { checkpointStoreContract } from '@ordo/projections/testing';
import { createSqliteCheckpointStore } from './checkpoint-store.js';

checkpointStoreContract(() => createSqliteCheckpointStore({ path: ':memory:' }), 'SQLite checkpoint store');
