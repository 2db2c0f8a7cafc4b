import type { Deadline } from '@ordo/projections';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createMongoDeadlineStore } from './deadline-store.js';
import { MongoInvalidDeadlineError } from './mongo-errors.js';

// Never connected: these cases must be refused before any I/O (a server round trip would time out).
const client = new MongoClient('mongodb://127.0.0.1:1', { serverSelectionTimeoutMS: 200 });
const store = createMongoDeadlineStore({ db: client.db('never') });
afterAll(() => client.close());

const deadline: Deadline = { id: 'd-1', processName: 'transfer', processId: 't-1', step: 0, dueAt: 'not a date' };

describe('createMongoDeadlineStore', () => {
  it('refuses a dueAt that is no instant, instead of storing the epoch', async () => {
    await expect(store.schedule(deadline)).rejects.toBeInstanceOf(MongoInvalidDeadlineError);
    await expect(store.schedule(deadline)).rejects.toMatchObject({ code: 'MONGO_INVALID_DEADLINE' });
  });

  it('refuses a deadline whose id is not a string, so it can never act as a query operator', async () => {
    const injected = { ...deadline, dueAt: new Date(0).toISOString(), id: { $ne: null } } as unknown as Deadline;
    await expect(store.schedule(injected)).rejects.toBeInstanceOf(MongoInvalidDeadlineError);
  });

  it('answers a limit of zero with nothing (MongoDB would read it as no limit)', async () => {
    expect(await store.due(new Date(), 0)).toEqual([]);
  });

  it('surfaces a connection failure instead of swallowing it', async () => {
    await expect(store.next()).rejects.toMatchObject({ name: 'MongoServerSelectionError' });
  });
});
