import { randomUUID } from 'node:crypto';
import { ConcurrencyError, DuplicateEventIdError, type NewEvent } from '@ordo/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StoreClosedError } from './errors.js';
import { createSqliteEventStore, type SqliteEventStore } from './event-store.js';
import { collect } from './test-support/collect.js';
import { createTempDir } from './test-support/temp-dir.js';
import { sqliteWriteQueue } from './write-queue.js';

const dir = createTempDir('event-store');
afterAll(() => dir.remove());
const opened: SqliteEventStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});
let counter = 0;
const open = (path = dir.file(`store-${++counter}.db`)) => {
  const store = createSqliteEventStore({ path, pollIntervalMs: 10 });
  opened.push(store);
  return store;
};
const event = (n: number, extra: Partial<NewEvent> = {}): NewEvent => ({ type: 'Counted', data: { n }, ...extra });
const allPositions = (store: SqliteEventStore) =>
  store.database.prepare('SELECT position FROM ordo_events ORDER BY position').pluck().all() as number[];

describe('SqliteEventStore group commit', () => {
  it('commits concurrent appends in one transaction, each with its own result', async () => {
    const store = open();
    const queue = sqliteWriteQueue(store.database);
    const before = queue.stats.transactions;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.appendToStream(`s-${i}`, [event(i), event(i)], { expectedVersion: 'no_stream' }),
      ),
    );
    expect(queue.stats.transactions - before).toBe(1);
    expect(results.map((r) => r.streamVersion)).toEqual(Array(50).fill(2));
    expect(results.flatMap((r) => r.events.map((e) => e.position))).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  it('rolls back only the failing appends of a group and keeps positions gap-free', async () => {
    const store = open();
    const taken = randomUUID();
    await store.appendToStream('existing', [event(0, { id: taken })]);
    const outcomes = await Promise.allSettled([
      store.appendToStream('a', [event(1)]),
      store.appendToStream('existing', [event(2)], { expectedVersion: 5 }),
      store.appendToStream('b', [event(3), event(4, { id: taken }), event(5)]),
      store.appendToStream('c', [event(6), event(7)]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ expected: 5, actual: 1 });
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEventIdError);
    expect(await collect(store.readStream('b'))).toEqual([]);
    expect(allPositions(store)).toEqual([1, 2, 3, 4]);
    expect((await collect(store.readStream('c'))).map((e) => e.position)).toEqual([3, 4]);
  });

  it('refuses a batch that repeats one id within itself', async () => {
    const store = open();
    const id = randomUUID();
    await expect(store.appendToStream('dup', [event(1, { id }), event(2, { id })])).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    expect(await store.headPosition()).toBe(0);
  });

  it('rejects a payload JSON cannot hold before touching the database', async () => {
    const store = open();
    await expect(store.appendToStream('bad', [event(1), { type: 'Big', data: { n: 10n } }])).rejects.toBeInstanceOf(
      TypeError,
    );
    await store.appendToStream('good', [event(1)]);
    expect(allPositions(store)).toEqual([1]);
  });

  it('returns exactly what a reader will later read back', async () => {
    const store = open();
    const when = new Date('2024-05-01T10:00:00.000Z');
    const { events } = await store.appendToStream('json', [
      { type: 'Dated', data: { when, skip: undefined, list: [1, 'two'] }, metadata: { commandId: 'c-1' } },
    ]);
    const [read] = await collect(store.readStream('json'));
    expect(events[0]).toEqual(read);
    expect(read?.data).toEqual({ when: when.toISOString(), list: [1, 'two'] });
  });
});

describe('SqliteEventStore reads', () => {
  it('finds a command through the stream + command id index', async () => {
    const store = open();
    await store.appendToStream('cmd', [event(1, { metadata: { commandId: 'k-1' } })]);
    const plan = store.database
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM ordo_events WHERE stream_id = 'cmd' AND command_id = 'k-1'")
      .all() as Array<{ detail: string }>;
    expect(plan.map((row) => row.detail).join(' ')).toContain('ordo_events_command');
    expect((await store.findCommand('cmd', 'k-1')).map((e) => e.streamVersion)).toEqual([1]);
  });

  it('finds a rare filtered event beyond a long stretch of others and checkpoints past the noise', async () => {
    const store = open();
    await store.appendToStream(
      'noise',
      Array.from({ length: 20_000 }, (_, i) => event(i)),
    );
    const { position } = await store.appendToStream('signal', [event(-1)]);
    await store.appendToStream('noise', [event(0)]);
    const found = await collect(store.readAll({ filter: { streamIdPrefixes: ['sig'] }, batchSize: 10 }));
    expect(found.map((e) => e.position)).toEqual([position]);
    const checkpoints: number[] = [];
    const subscription = store.subscribe({
      filter: { eventTypes: ['Nothing'] },
      onCheckpoint: (at) => checkpoints.push(at),
    });
    const iterating = collect(subscription);
    await expect.poll(() => checkpoints.at(-1), { timeout: 10_000 }).toBe(position + 1);
    await subscription.close();
    await expect(iterating).resolves.toEqual([]);
  });

  it('reads a stream backward across pages', async () => {
    const store = createSqliteEventStore({ path: dir.file(`paged-${++counter}.db`), pageSize: 7 });
    opened.push(store);
    await store.appendToStream(
      'p',
      Array.from({ length: 30 }, (_, i) => event(i)),
    );
    const versions = (await collect(store.readStream('p', { direction: 'backward', from: 25, to: 3 }))).map(
      (e) => e.streamVersion,
    );
    expect(versions).toEqual(Array.from({ length: 23 }, (_, i) => 25 - i));
    expect((await collect(store.readAll({ after: 10, to: 24 }))).map((e) => e.position)).toEqual(
      Array.from({ length: 14 }, (_, i) => i + 11),
    );
  });
});

describe('SqliteEventStore batch sizes', () => {
  it('treats a batch size below one as one instead of skipping events', async () => {
    const store = open();
    await store.appendToStream('tiny', [event(1), event(2), event(3)]);
    expect((await collect(store.readAll({ batchSize: 0 }))).map((e) => e.position)).toEqual([1, 2, 3]);
    const subscription = store.subscribe({ batchSize: -5 });
    expect((await collect(subscription, 3)).map((e) => e.position)).toEqual([1, 2, 3]);
    await subscription.close();
  });
});

describe('SqliteEventStore subscriptions across connections', () => {
  it('wakes a subscriber when another connection to the same file appends', async () => {
    const path = dir.file(`shared-${++counter}.db`);
    const reader = open(path);
    const writer = open(path);
    const subscription = reader.subscribe({ after: 0 });
    const received = collect(subscription, 3);
    await writer.appendToStream('x', [event(1), event(2)]);
    await writer.appendToStream('y', [event(3)]);
    const events = await received;
    await subscription.close();
    expect(events.map((e) => `${e.streamId}:${e.position}`)).toEqual(['x:1', 'x:2', 'y:3']);
  });
});

describe('SqliteEventStore close', () => {
  it('lets queued appends commit, then refuses new work with StoreClosedError', async () => {
    const path = dir.file(`closing-${++counter}.db`);
    const store = createSqliteEventStore({ path });
    const pending = store.appendToStream('s', [event(1)]);
    await store.close();
    await expect(pending).resolves.toMatchObject({ streamVersion: 1 });
    await expect(store.appendToStream('s', [event(2)])).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.headPosition()).rejects.toBeInstanceOf(StoreClosedError);
    expect(() => store.subscribe()).toThrow(StoreClosedError);
    const reopened = open(path);
    expect(await reopened.headPosition()).toBe(1);
  });
});
