import { ConcurrencyError } from '@ordo/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadOnlyStoreError, StorageFullError, StoreBusyError } from './errors.js';
import { createSqliteEventStore } from './event-store.js';
import { createSqliteSnapshotStore } from './snapshot-store.js';
import { collect } from './test-support/collect.js';
import { createTempDir } from './test-support/temp-dir.js';

const dir = createTempDir('faults');
afterAll(() => dir.remove());
let counter = 0;
const nextPath = () => dir.file(`faults-${++counter}.db`);
const bulky = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ type: 'Bulky', data: { i, text: 'x'.repeat(2000) } }));

describe('SqliteEventStore on a full disk', () => {
  it('refuses a batch that does not fit with StorageFullError, keeps none of it, and still reads and writes', async () => {
    const store = createSqliteEventStore({ path: nextPath(), maxPageCount: 200 });
    await store.appendToStream('small', [{ type: 'Fits', data: { i: 0 } }]);
    const error = await store.appendToStream('big', bulky(1000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageFullError);
    expect(error).toMatchObject({ code: 'STORAGE_FULL' });
    expect(await collect(store.readStream('big'))).toEqual([]);
    expect((await collect(store.readAll())).map((e) => e.streamId)).toEqual(['small']);
    await expect(
      store.appendToStream('small', [{ type: 'Fits', data: { i: 1 } }], { expectedVersion: 1 }),
    ).resolves.toMatchObject({ streamVersion: 2, position: 2 });
    await store.close();
  });

  it('fails only the oversized append of a group; the others in the same transaction commit', async () => {
    const store = createSqliteEventStore({ path: nextPath(), maxPageCount: 200 });
    const outcomes = await Promise.allSettled([
      store.appendToStream('a', [{ type: 'Fits', data: { i: 1 } }]),
      store.appendToStream('big', bulky(1000)),
      store.appendToStream('b', [{ type: 'Fits', data: { i: 2 } }]),
      store.appendToStream('a', [{ type: 'Fits', data: { i: 3 } }], { expectedVersion: 5 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(StorageFullError);
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    const all = await collect(store.readAll());
    expect(all.map((e) => `${e.streamId}@${e.position}`)).toEqual(['a@1', 'b@2']);
    await store.close();
  });

  it('reports a snapshot that does not fit as StorageFullError and keeps the previous one', async () => {
    const snapshots = createSqliteSnapshotStore({ path: nextPath(), maxPageCount: 60 });
    await snapshots.save({ streamId: 's', streamVersion: 1, stateVersion: 1, state: { ok: true } });
    const huge = { streamId: 's', streamVersion: 2, stateVersion: 1, state: { blob: 'y'.repeat(1_000_000) } };
    await expect(snapshots.save(huge)).rejects.toBeInstanceOf(StorageFullError);
    expect(await snapshots.load('s')).toMatchObject({ streamVersion: 1, state: { ok: true } });
    await snapshots.close();
  });
});

describe('SqliteEventStore opened read-only', () => {
  it('serves reads and refuses appends with ReadOnlyStoreError, writing nothing', async () => {
    const path = nextPath();
    const writer = createSqliteEventStore({ path });
    await writer.appendToStream('s', [{ type: 'Written', data: {} }]);
    await writer.close();

    const readonly = createSqliteEventStore({ path, readonly: true });
    const error = await readonly.appendToStream('s', [{ type: 'Refused', data: {} }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadOnlyStoreError);
    expect(error).toMatchObject({ code: 'READ_ONLY_STORE' });
    expect((await collect(readonly.readStream('s'))).map((e) => e.type)).toEqual(['Written']);
    expect(await readonly.headPosition()).toBe(1);
    await readonly.close();

    const snapshots = createSqliteSnapshotStore({ path, readonly: true });
    await expect(
      snapshots.save({ streamId: 's', streamVersion: 1, stateVersion: 1, state: {} }),
    ).rejects.toBeInstanceOf(ReadOnlyStoreError);
    await snapshots.close();
  });

  it('sees appends another connection commits after it opened', async () => {
    const path = nextPath();
    const writer = createSqliteEventStore({ path });
    const readonly = createSqliteEventStore({ path, readonly: true, pollIntervalMs: 10 });
    const subscription = readonly.subscribe();
    const received = collect(subscription, 1);
    await writer.appendToStream('live', [{ type: 'Seen', data: {} }]);
    expect((await received).map((e) => e.streamId)).toEqual(['live']);
    await subscription.close();
    await Promise.all([writer.close(), readonly.close()]);
  });
});

describe('SqliteEventStore behind another writer', () => {
  it('waits for the busy timeout, then fails the append with StoreBusyError and writes nothing', async () => {
    const path = nextPath();
    const store = createSqliteEventStore({ path, busyTimeoutMs: 100 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const startedAt = performance.now();
    const error = await store.appendToStream('s', [{ type: 'Blocked', data: {} }]).catch((e: unknown) => e);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(90);
    expect(error).toBeInstanceOf(StoreBusyError);
    expect(error).toMatchObject({ code: 'STORE_BUSY' });
    other.exec('ROLLBACK');
    other.close();
    await expect(store.appendToStream('s', [{ type: 'Free', data: {} }])).resolves.toMatchObject({ position: 1 });
    expect((await collect(store.readAll())).map((e) => e.type)).toEqual(['Free']);
    await store.close();
  });
});
