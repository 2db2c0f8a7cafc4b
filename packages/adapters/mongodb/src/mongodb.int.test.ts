import { randomUUID } from 'node:crypto';
import { snapshotStoreContract } from '@ordo/core/testing';
import { checkpointStoreContract, deadLetterStoreContract, readStoreContract } from '@ordo/projections/testing';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createMongoCheckpointStore } from './checkpoint-store.js';
import { createMongoDeadLetterStore } from './dead-letter-store.js';
import { createMongoReadStore } from './read-store.js';
import { createMongoSnapshotStore } from './snapshot-store.js';

const url = process.env.MONGODB_URL;
if (url === undefined)
  console.info(
    '@ordo/mongodb integration tests skipped: set MONGODB_URL (e.g. mongodb://localhost:27017/?replicaSet=rs0)',
  );

// One database per test file, dropped at the end.
const client = new MongoClient(url ?? 'mongodb://127.0.0.1:1', { serverSelectionTimeoutMS: 10_000 });
const db = client.db(`ordo_int_${randomUUID().replaceAll('-', '').slice(0, 12)}`);
afterAll(async () => {
  if (url === undefined) return;
  await db.dropDatabase();
  await client.close();
});

describe.skipIf(url === undefined)('MongoDB adapters on a real server', () => {
  readStoreContract(() => createMongoReadStore({ db }), 'read store contract (MongoDB, transactions when available)');
  readStoreContract(
    () => createMongoReadStore({ db, transactions: false }),
    'read store contract (MongoDB, guards only, as on a standalone server)',
  );
  checkpointStoreContract(() => createMongoCheckpointStore({ db }), 'checkpoint store contract (MongoDB)');
  snapshotStoreContract(() => createMongoSnapshotStore({ db }), 'snapshot store contract (MongoDB)');
  deadLetterStoreContract(() => createMongoDeadLetterStore({ db }), 'dead-letter store contract (MongoDB)');

  const collection = () => `it_${randomUUID().replaceAll('-', '').slice(0, 10)}_v1`;

  it('re-applying a whole batch after a crash between documents and checkpoint changes nothing', async () => {
    const store = createMongoReadStore({ db, transactions: false });
    const name = collection();
    await store.ensureCollection(name, { indexes: { owner: 'string' } });
    const batch = {
      collection: name,
      partition: 0,
      operations: [
        { type: 'upsert' as const, id: 'a', document: { owner: 'ada', n: 1 }, position: 5 },
        { type: 'delete' as const, id: 'b', position: 6 },
      ],
      checkpoint: 6,
    };
    await store.commit({
      ...batch,
      operations: [{ type: 'upsert', id: 'b', document: { owner: 'bob' }, position: 2 }],
    });
    await store.commit(batch);
    await store.commit({
      collection: name,
      partition: 0,
      operations: [{ type: 'patch', id: 'a', patch: { n: 2 }, position: 8 }],
      checkpoint: 8,
    });
    // Replay of the earlier batch (e.g. redelivered by Kafka): older positions, all ignored.
    await store.commit(batch);
    await store.commit({
      ...batch,
      operations: [{ type: 'upsert', id: 'b', document: { owner: 'bob' }, position: 2 }],
    });
    expect(await store.get(name, 'a')).toEqual({ id: 'a', document: { owner: 'ada', n: 2 }, position: 8 });
    expect(await store.get(name, 'b')).toBeUndefined();
    expect((await store.checkpoints.load(name)).get(0)).toBe(8);
  });

  it('creates the indexes a projection declares', async () => {
    const store = createMongoReadStore({ db });
    const name = collection();
    await store.ensureCollection(name, { indexes: { owner: 'string', 'address.city': 'string' } });
    await store.ensureCollection(name, { indexes: { owner: 'string', 'address.city': 'string' } });
    const indexes = await db.collection(`rm_${name}`).listIndexes().toArray();
    expect(indexes.map((index) => index.key)).toEqual(
      expect.arrayContaining([
        { 'doc.owner': 1, _id: 1 },
        { 'doc.address.city': 1, _id: 1 },
      ]),
    );
  });

  it('stores user values that look like operators or field paths as plain data', async () => {
    const store = createMongoReadStore({ db });
    const name = collection();
    await store.ensureCollection(name, { indexes: { owner: 'string' } });
    await store.commit({
      collection: name,
      partition: 0,
      operations: [{ type: 'upsert', id: 'a', document: { owner: '$owner', nested: { note: '$$ROOT' } }, position: 1 }],
    });
    await store.commit({
      collection: name,
      partition: 0,
      operations: [{ type: 'patch', id: 'a', patch: { owner: '$_pos', extra: { $literal: 1 } }, position: 2 }],
    });
    expect((await store.get(name, 'a'))?.document).toEqual({
      owner: '$_pos',
      nested: { note: '$$ROOT' },
      extra: { $literal: 1 },
    });
    const page = await store.find(name, { filter: [{ field: 'owner', op: 'eq', value: '$_pos' }] });
    expect(page.items.map((item) => item.id)).toEqual(['a']);
  });

  it('reports whether it commits in transactions, from the server topology', async () => {
    const hello = await db.admin().command({ hello: 1 });
    expect(await createMongoReadStore({ db }).usesTransactions()).toBe(
      typeof hello.setName === 'string' || hello.msg === 'isdbgrid',
    );
    expect(await createMongoReadStore({ db, transactions: false }).usesTransactions()).toBe(false);
  });
});
