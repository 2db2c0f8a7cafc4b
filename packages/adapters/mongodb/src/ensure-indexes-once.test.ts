import { MongoClient, MongoError } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureIndexesOnce } from './ensure-indexes-once.js';

// Never connected: every attempt fails to select a server, as when MongoDB is briefly unreachable.
const client = new MongoClient('mongodb://127.0.0.1:1', { serverSelectionTimeoutMS: 100 });
afterAll(() => client.close());

describe('ensureIndexesOnce', () => {
  it('asks again after a failed attempt instead of replaying the cached failure', async () => {
    const collection = client.db('never').collection('ordo_deadlines');
    const ensure = ensureIndexesOnce(collection, [{ key: { dueAt: 1 }, name: 'ordo_due' }]);
    const first = ensure();
    expect(ensure()).toBe(first);
    await expect(first).rejects.toMatchObject({ name: 'MongoServerSelectionError' });
    const second = ensure();
    expect(second).not.toBe(first);
    // The driver closes a client whose first connection failed, so the new attempt fails differently.
    await expect(second).rejects.toBeInstanceOf(MongoError);
  });
});
