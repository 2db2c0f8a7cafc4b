import { deadlineStoreContract } from '@ordo/projections/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from './database.js';
import { createSqliteDeadlineStore } from './deadline-store.js';
import { createTempDir } from './test-support/temp-dir.js';

const dir = createTempDir('deadlines');
afterAll(() => dir.remove());

deadlineStoreContract(() => createSqliteDeadlineStore({ path: ':memory:' }), 'SQLite deadline store contract');

describe('createSqliteDeadlineStore', () => {
  it('keeps deadlines across reopening the file', async () => {
    const path = dir.file('reopen.db');
    const first = createSqliteDeadlineStore({ path });
    const dueAt = new Date(Date.UTC(2030, 5, 1, 12, 0, 0, 250)).toISOString();
    await first.schedule({ id: 'd1', processName: 'transfer', processId: 't1', step: 2, dueAt });
    await first.close();
    const second = createSqliteDeadlineStore({ database: openSqliteDatabase({ path }) });
    expect(await second.list('transfer')).toEqual([
      { id: 'd1', processName: 'transfer', processId: 't1', step: 2, dueAt },
    ]);
    expect(await second.due(new Date(Date.parse(dueAt) - 1))).toEqual([]);
    expect(await second.due(new Date(dueAt))).toHaveLength(1);
    second.database.close();
  });
});
