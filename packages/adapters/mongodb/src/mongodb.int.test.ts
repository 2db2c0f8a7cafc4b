import { randomUUID } from 'node:crypto';
import { snapshotStoreContract } from '@ordo/core/testing';
import {
  checkpointStoreContract,
  deadLetterStoreContract,
  deadlineStoreContract,
  readStoreContract,
} from '@ordo/projections/testing';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMongoCheckpointStore } from './checkpoint-store.js';
import { createMongoDeadLetterStore } from './dead-letter-store.js';
import { createMongoDeadlineStore } from './deadline-store.js';
import { createMongoReadStore } from './read-store.js';
import { createMongoSnapshotStore } from './snapshot-store.js';
import { supportsTransactions } from './topology.js';

/** Every MongoDB-wire server CI runs (scripts/servers.sh), plus a real replica set where one is given. */
const targets = [
  { variable: 'MONGODB_URL', server: 'MONGODB_URL (mongo-java-server 1.47 in CI)' },
  { variable: 'FERRETDB_URL', server: 'FERRETDB_URL (FerretDB 1.24, SQLite backend)' },
  { variable: 'MONGODB_REPLSET_URL', server: 'MONGODB_REPLSET_URL (a real MongoDB replica set)' },
] as const;

for (const { variable, server } of targets) {
  const url = process.env[variable];
  if (url === undefined) console.info(`@ordo/mongodb integration tests on ${variable} skipped: ${variable} is not set`);
  describe.skipIf(url === undefined)(`MongoDB adapters on ${server}`, () => {
    const { db } = databasePerFile(url);
    adapterSuite(db);
  });
}

const replicaSetUrl = process.env.MONGODB_REPLSET_URL;
describe.skipIf(replicaSetUrl === undefined)('MongoDB adapters, replica-set only (MONGODB_REPLSET_URL)', () => {
  const { db } = databasePerFile(replicaSetUrl);
  replicaSetSuite(db);
});

/** One database per suite, dropped at the end; `db()` is read inside tests, once `beforeAll` connected. */
function databasePerFile(url: string | undefined): { db: () => Db } {
  let client: MongoClient | undefined;
  let database: Db | undefined;
  beforeAll(() => {
    client = new MongoClient(url ?? 'mongodb://127.0.0.1:1', { serverSelectionTimeoutMS: 10_000 });
    database = client.db(`ordo_int_${randomUUID().replaceAll('-', '').slice(0, 12)}`);
  });
  afterAll(async () => {
    await database?.dropDatabase();
    await client?.close();
  });
  return {
    db: () => {
      if (database === undefined) throw new Error('database used before beforeAll');
      return database;
    },
  };
}

const collection = () => `it_${randomUUID().replaceAll('-', '').slice(0, 10)}_v1`;
const up = (id: string, document: Record<string, unknown>, position: number) =>
  ({ type: 'upsert', id, document, position }) as const;

/** What every MongoDB-wire server must show: standalone stand-ins and replica sets alike. */
function adapterSuite(db: () => Db): void {
  readStoreContract(
    () => createMongoReadStore({ db: db() }),
    'read store contract (transactions when the server has them)',
  );
  readStoreContract(
    () => createMongoReadStore({ db: db(), transactions: false }),
    'read store contract (guards only, as on a standalone server)',
  );
  checkpointStoreContract(() => createMongoCheckpointStore({ db: db() }), 'checkpoint store contract');
  snapshotStoreContract(() => createMongoSnapshotStore({ db: db() }), 'snapshot store contract');
  deadLetterStoreContract(() => createMongoDeadLetterStore({ db: db() }), 'dead-letter store contract');
  deadlineStoreContract(() => createMongoDeadlineStore({ db: db() }), 'deadline store contract');

  it('re-applying a whole batch after a crash between documents and checkpoint changes nothing', async () => {
    const store = createMongoReadStore({ db: db(), transactions: false });
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

  it('applies every new operation of a replayed batch whose first one is stale (FerretDB stops an unordered batch at its first error)', async () => {
    const store = createMongoReadStore({ db: db(), transactions: false });
    const name = collection();
    await store.ensureCollection(name, { indexes: {} });
    await store.commit({ collection: name, partition: 0, operations: [up('x', { v: 'new' }, 9)], checkpoint: 9 });
    await store.commit({
      collection: name,
      partition: 1,
      operations: [up('x', { v: 'old' }, 4), up('y', { v: 1 }, 5), up('z', { v: 2 }, 6)],
      checkpoint: 6,
    });
    const stored = await store.getMany(name, ['x', 'y', 'z']);
    expect([...stored.values()].map((entry) => [entry.id, entry.document.v, entry.position])).toEqual([
      ['x', 'new', 9],
      ['y', 1, 5],
      ['z', 2, 6],
    ]);
  });

  it('creates the indexes a projection declares', async () => {
    const store = createMongoReadStore({ db: db() });
    const name = collection();
    await store.ensureCollection(name, { indexes: { owner: 'string', 'address.city': 'string' } });
    await store.ensureCollection(name, { indexes: { owner: 'string', 'address.city': 'string' } });
    const indexes = await db().collection(`rm_${name}`).listIndexes().toArray();
    expect(indexes.map((index) => index.key)).toEqual(
      expect.arrayContaining([
        { 'doc.owner': 1, _id: 1 },
        { 'doc.address.city': 1, _id: 1 },
      ]),
    );
  });

  it('stores user values that look like operators or field paths as plain data', async () => {
    const store = createMongoReadStore({ db: db() });
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

  for (const transactions of ['auto', false] as const) {
    it(`fails a batch on a write error that is no guard miss and keeps its checkpoint behind (a unique index of the user's, where the stand-ins lack collMod validators; transactions: ${transactions})`, async () => {
      const store = createMongoReadStore({ db: db(), transactions });
      const name = collection();
      await store.ensureCollection(name, { indexes: {} });
      await db().collection(`rm_${name}`).createIndex({ 'doc.email': 1 }, { unique: true, name: 'user_unique_email' });
      await store.commit({
        collection: name,
        partition: 0,
        operations: [up('first', { email: 'a@x' }, 1)],
        checkpoint: 1,
      });
      const failing = store.commit({
        collection: name,
        partition: 0,
        operations: [up('good', { email: 'b@x' }, 2), up('clash', { email: 'a@x' }, 3)],
        checkpoint: 3,
      });
      await expect(failing).rejects.toMatchObject({ code: 11000 });
      expect((await store.checkpoints.load(name)).get(0)).toBe(1);
      expect(await store.get(name, 'clash')).toBeUndefined();
    });
  }

  for (const transactions of ['auto', false] as const) {
    it(`refuses documents past 16 MiB with a typed error and no checkpoint (transactions: ${transactions})`, async () => {
      const store = createMongoReadStore({ db: db(), transactions });
      const name = collection();
      await store.ensureCollection(name, { indexes: {} });
      const big = 'x'.repeat(10 * 1024 * 1024);
      await store.commit({ collection: name, partition: 0, operations: [up('a', { big }, 1)], checkpoint: 1 });
      const huge = store.commit({
        collection: name,
        partition: 0,
        operations: [up('b', { big: `${big}${big}` }, 2)],
        checkpoint: 2,
      });
      await expect(huge).rejects.toMatchObject({ code: 'MONGO_DOCUMENT_TOO_LARGE', id: 'b' });
      expect((await store.checkpoints.load(name)).get(0)).toBe(1);
    });
  }

  it('round-trips JSON values: numbers, large integers, date strings, nesting, null, and leaves undefined out', async () => {
    const store = createMongoReadStore({ db: db() });
    const name = collection();
    await store.ensureCollection(name, { indexes: { n: 'number' } });
    const document = {
      n: 2 ** 53 - 1,
      int: 7,
      beyondInt32: 2 ** 31,
      negative: -12.5,
      at: '2026-01-01T00:00:00.000Z',
      nested: { list: [1, 'a', null, { deep: true }], empty: {} },
      nothing: null,
      'dotted.key': 1,
      nestedOperator: { $gt: 1 },
    };
    await store.commit({ collection: name, partition: 0, operations: [up('a', { ...document, gone: undefined }, 1)] });
    const stored = await store.get(name, 'a');
    expect(stored?.document).toStrictEqual(document);
    const page = await store.find(name, { filter: [{ field: 'n', op: 'eq', value: 2 ** 53 - 1 }] });
    expect(page.items.map((item) => item.id)).toEqual(['a']);
  });

  it('keeps an own __proto__ key as data without touching prototypes', async () => {
    const store = createMongoReadStore({ db: db() });
    const name = collection();
    await store.ensureCollection(name, { indexes: {} });
    const document = JSON.parse('{"__proto__": {"polluted": true}, "owner": "ada"}') as Record<string, unknown>;
    await store.commit({ collection: name, partition: 0, operations: [up('a', document, 1)] });
    const stored = await store.get(name, 'a');
    expect(Object.getOwnPropertyNames(stored?.document)).toEqual(['__proto__', 'owner']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('switches an alias under concurrent switches to one of the targets, and drops a collection twice', async () => {
    const store = createMongoReadStore({ db: db() });
    const [v1, v2] = [collection(), collection()];
    await store.ensureCollection(v1, { indexes: {} });
    await store.ensureCollection(v2, { indexes: {} });
    const alias = `alias_${v1}`;
    await Promise.all([store.switchAlias(alias, v1), store.switchAlias(alias, v2), store.switchAlias(alias, v1)]);
    expect([v1, v2]).toContain(await store.resolveAlias(alias));
    await store.dropCollection(v2);
    await store.dropCollection(v2);
    expect(await store.listCollections()).not.toContain(v2);
  });

  it('keeps the newest snapshot when two writers save the first ones of a stream at once', async () => {
    const snapshots = createMongoSnapshotStore({ db: db() });
    const streamId = `s-${randomUUID()}`;
    const at = (streamVersion: number) => ({ streamId, streamVersion, stateVersion: 1, state: { streamVersion } });
    await Promise.all([snapshots.save(at(10)), snapshots.save(at(20)), snapshots.save(at(15))]);
    expect((await snapshots.load(streamId))?.streamVersion).toBe(20);
  });

  it('schedules one deadline id from many writers at once, and orders due deadlines by instant', async () => {
    const deadlines = [createMongoDeadlineStore({ db: db() }), createMongoDeadlineStore({ db: db() })];
    const processName = `p-${randomUUID()}`;
    const deadline = (processId: string, dueAt: string) => ({
      id: `${processName}-${processId}`,
      processName,
      processId,
      step: 0,
      dueAt,
    });
    await Promise.all(
      Array.from({ length: 8 }, (_, index) => deadlines[index % 2]?.schedule(deadline('same', '2020-01-01T00:00:00Z'))),
    );
    // Written with offsets: ordered by instant, returned as UTC ISO strings.
    await deadlines[0]?.schedule(deadline('east', '2020-01-01T01:30:00+02:00'));
    await deadlines[0]?.schedule(deadline('west', '2019-12-31T23:00:00-02:00'));
    const listed = await deadlines[1]?.list(processName);
    expect(listed?.map((entry) => [entry.processId, entry.dueAt])).toEqual([
      ['east', '2019-12-31T23:30:00.000Z'],
      ['same', '2020-01-01T00:00:00.000Z'],
      ['west', '2020-01-01T01:00:00.000Z'],
    ]);
    const due = (await deadlines[1]?.due(new Date('2020-01-01T00:00:00Z'), 1000))?.filter(
      (entry) => entry.processName === processName,
    );
    expect(due?.map((entry) => entry.processId)).toEqual(['east', 'same']);
  });

  it('reports whether it commits in transactions, from the server topology (isMaster where the server lacks hello, as mongo-java-server does)', async () => {
    const admin = db().admin();
    const hello = await admin.command({ hello: 1 }).catch(() => admin.command({ isMaster: 1 }));
    expect(await createMongoReadStore({ db: db() }).usesTransactions()).toBe(supportsTransactions(hello));
    expect(supportsTransactions(hello)).toBe(typeof hello.setName === 'string' || hello.msg === 'isdbgrid');
    expect(await createMongoReadStore({ db: db(), transactions: false }).usesTransactions()).toBe(false);
  });
}

/** What only a real replica set has: transactions, collMod validators, MongoDB's exact error shapes. */
function replicaSetSuite(db: () => Db): void {
  readStoreContract(
    () => createMongoReadStore({ db: db(), transactions: true }),
    'read store contract (transactions forced)',
  );

  it('detects the replica set and commits in transactions', async () => {
    expect(await createMongoReadStore({ db: db() }).usesTransactions()).toBe(true);
  });

  for (const transactions of ['auto', false] as const) {
    it(`fails a batch on a validator's write error and keeps its checkpoint behind (collMod, which the stand-ins lack; transactions: ${transactions})`, async () => {
      const store = createMongoReadStore({ db: db(), transactions });
      const name = collection();
      await store.ensureCollection(name, { indexes: {} });
      await db().command({ collMod: `rm_${name}`, validator: { 'doc.n': { $type: 'number' } } });
      const failing = store.commit({
        collection: name,
        partition: 0,
        operations: [
          { type: 'upsert', id: 'good', document: { n: 1 }, position: 1 },
          { type: 'upsert', id: 'bad', document: { n: 'x' }, position: 2 },
        ],
        checkpoint: 2,
      });
      await expect(failing).rejects.toMatchObject({ code: 121 });
      expect((await store.checkpoints.load(name)).get(0)).toBeUndefined();
      expect(await store.get(name, 'bad')).toBeUndefined();
    });

    it(`refuses a patch whose result passes 16 MiB with a typed error (the server's check, which mongo-java-server lacks; transactions: ${transactions})`, async () => {
      const store = createMongoReadStore({ db: db(), transactions });
      const name = collection();
      await store.ensureCollection(name, { indexes: {} });
      const big = 'x'.repeat(10 * 1024 * 1024);
      await store.commit({ collection: name, partition: 0, operations: [up('a', { big }, 1)], checkpoint: 1 });
      const grown = store.commit({
        collection: name,
        partition: 0,
        operations: [{ type: 'patch', id: 'a', patch: { more: big }, position: 3 }],
        checkpoint: 3,
      });
      await expect(grown).rejects.toMatchObject({ code: 'MONGO_DOCUMENT_TOO_LARGE' });
      expect((await store.checkpoints.load(name)).get(0)).toBe(1);
    });
  }
}
