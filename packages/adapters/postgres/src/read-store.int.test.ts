import { readStoreContract } from '@ordo/projections/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresDatabase } from './database.js';
import { createPostgresReadStore } from './read-store.js';
import { dropSchema, pgUrl, uniqueSchema } from './test-support/test-schema.js';

const schema = uniqueSchema('reads');
const database = openPostgresDatabase({ connectionString: pgUrl ?? '', schema });
afterAll(async () => {
  await database.close();
  if (pgUrl !== undefined) await dropSchema(pgUrl, schema);
});

describe.skipIf(pgUrl === undefined)('PostgresReadStore on a real server', () => {
  readStoreContract(() => createPostgresReadStore({ database }), 'read store contract (PostgreSQL)');

  it('serves a collection created by another pool, and reads one dropped elsewhere as missing', async () => {
    const writer = createPostgresReadStore({ connectionString: pgUrl ?? '', schema });
    const reader = createPostgresReadStore({ database });
    await writer.ensureCollection('shared_v1', { indexes: { owner: 'string', 'address.zip': 'number' } });
    await writer.commit({
      collection: 'shared_v1',
      partition: 0,
      operations: [{ type: 'upsert', id: 'a', document: { owner: 'ada', address: { zip: 10 } }, position: 1 }],
      checkpoint: 1,
    });
    const page = await reader.find('shared_v1', { filter: [{ field: 'address.zip', op: 'gte', value: 10 }] });
    expect(page.items.map((item) => item.document)).toEqual([{ owner: 'ada', address: { zip: 10 } }]);
    await writer.dropCollection('shared_v1');
    await expect(reader.get('shared_v1', 'a')).rejects.toMatchObject({ code: 'COLLECTION_NOT_FOUND' });
    await writer.close();
  });
});
