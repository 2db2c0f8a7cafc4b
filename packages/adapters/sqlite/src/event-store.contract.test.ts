import { eventStoreContract } from '@ordo/core/testing';
import { afterAll } from 'vitest';
import { createSqliteEventStore } from './event-store.js';
import { createTempDir } from './test-support/temp-dir.js';

const dir = createTempDir('contract');
const path = dir.file('contract.db');
afterAll(() => dir.remove());

eventStoreContract(() => createSqliteEventStore({ path }), 'SqliteEventStore (file, WAL, synchronous=FULL)');
eventStoreContract(() => createSqliteEventStore({ path: ':memory:' }), 'SqliteEventStore (:memory:)');
