import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { MongoStoredReadModel } from './bulk-operations.js';
import { maxDocumentBytes } from './document-size.js';
import { writeGuarded } from './guarded-bulk-write.js';
import { MongoDocumentTooLargeError } from './mongo-errors.js';

// Never connected: a refusal must come before any I/O (a server round trip would fail differently).
const client = new MongoClient('mongodb://127.0.0.1:1', { serverSelectionTimeoutMS: 200 });
const collection = client.db('never').collection<MongoStoredReadModel>('rm_accounts_v1');
afterAll(() => client.close());

describe('writeGuarded', () => {
  it('refuses a batch holding a document past 16 MiB before sending any of it', async () => {
    const huge = { blob: 'x'.repeat(maxDocumentBytes) };
    const attempt = writeGuarded(collection, [
      { type: 'upsert', id: 'small', document: { n: 1 }, position: 1 },
      { type: 'upsert', id: 'huge', document: huge, position: 2 },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(MongoDocumentTooLargeError);
    await expect(attempt).rejects.toMatchObject({ collection: 'rm_accounts_v1', id: 'huge' });
  });

  it('surfaces a connection failure instead of reading it as already applied', async () => {
    const attempt = writeGuarded(collection, [{ type: 'upsert', id: 'a', document: {}, position: 1 }]);
    await expect(attempt).rejects.toMatchObject({ name: 'MongoServerSelectionError' });
  });
});
