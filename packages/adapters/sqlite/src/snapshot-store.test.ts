import { snapshotStoreContract } from '@ordo/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from './event-store.js';
import { createSqliteSnapshotStore } from './snapshot-store.js';
import { createTempDir } from './test-support/temp-dir.js';
import { sqliteWriteQueue } from './write-queue.js';

const dir = createTempDir('snapshots');
const shared = createSqliteSnapshotStore({ path: dir.file('contract.db') });
afterAll(async () => {
  await shared.close();
  dir.remove();
});

snapshotStoreContract(() => shared, 'SqliteSnapshotStore');

describe('SqliteSnapshotStore', () => {
  it('keeps snapshots across a reopen of the file', async () => {
    const path = dir.file('reopen.db');
    const first = createSqliteSnapshotStore({ path });
    await first.save({ streamId: 's', streamVersion: 7, stateVersion: 2, state: { total: 70 } });
    await first.close();
    const again = createSqliteSnapshotStore({ path });
    expect(await again.load('s')).toEqual({ streamId: 's', streamVersion: 7, stateVersion: 2, state: { total: 70 } });
    await again.close();
  });

  it('commits a snapshot saved beside an append in the same transaction', async () => {
    const events = createSqliteEventStore({ path: dir.file('shared.db') });
    const snapshots = createSqliteSnapshotStore({ database: events.database });
    const queue = sqliteWriteQueue(events.database);
    const before = queue.stats.transactions;
    await Promise.all([
      events.appendToStream('s', [{ type: 'Counted', data: {} }]),
      snapshots.save({ streamId: 's', streamVersion: 1, stateVersion: 1, state: { n: 1 } }),
    ]);
    expect(queue.stats.transactions - before).toBe(1);
    await snapshots.close();
    expect(events.database.open).toBe(true);
    await events.close();
    expect(events.database.open).toBe(false);
  });
});
