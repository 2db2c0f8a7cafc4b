import { eventStoreContract } from '@ordo/core/testing';
import { afterAll, describe } from 'vitest';
import { openPostgresDatabase } from './database.js';
import { createPostgresEventStore } from './event-store.js';
import { dropSchema, pgUrl, uniqueSchema } from './test-support/test-schema.js';

const schema = uniqueSchema('contract');
const shared = openPostgresDatabase({ connectionString: pgUrl ?? '', schema });
afterAll(async () => {
  await shared.close();
  if (pgUrl !== undefined) await dropSchema(pgUrl, schema);
});

describe.skipIf(pgUrl === undefined)('PostgresEventStore on a real server', () => {
  eventStoreContract(
    () => createPostgresEventStore({ connectionString: pgUrl ?? '', schema }),
    'PostgresEventStore (own pool)',
  );
  eventStoreContract(() => createPostgresEventStore({ database: shared }), 'PostgresEventStore (shared database)');
});
