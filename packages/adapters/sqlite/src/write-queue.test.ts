import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from './database.js';
import { StoreClosedError } from './errors.js';
import { createTempDir } from './test-support/temp-dir.js';
import { sqliteWriteQueue } from './write-queue.js';

const dir = createTempDir('write-queue');
afterAll(() => dir.remove());
let counter = 0;
const open = () => {
  const path = dir.file(`queue-${++counter}.db`);
  const database = openSqliteDatabase({ path });
  database.exec('CREATE TABLE IF NOT EXISTS items (name TEXT PRIMARY KEY)');
  return { path, database };
};
const insert = (name: string) => (database: Database.Database) =>
  database.prepare('INSERT INTO items VALUES (?)').run(name).changes;

describe('sqliteWriteQueue', () => {
  it('shares one queue per connection and one transaction per turn of the event loop', async () => {
    const { database } = open();
    const queue = sqliteWriteQueue(database);
    expect(sqliteWriteQueue(database)).toBe(queue);
    const before = queue.stats.transactions;
    const results = await Promise.all(['a', 'b', 'c'].map((name) => queue.run(insert(name))));
    expect(results).toEqual([1, 1, 1]);
    expect(queue.stats.transactions - before).toBe(1);
    database.close();
  });

  it('resolves a write only once another connection can read it', async () => {
    const { path, database } = open();
    const other = new Database(path, { readonly: true });
    const count = () => other.prepare('SELECT count(*) FROM items').pluck().get();
    const written = sqliteWriteQueue(database).run(insert('x'));
    expect(count()).toBe(0);
    await written;
    expect(count()).toBe(1);
    other.close();
    database.close();
  });

  it('rolls back only the write that throws, even after it changed rows', async () => {
    const { database } = open();
    const queue = sqliteWriteQueue(database);
    const outcomes = await Promise.allSettled([
      queue.run(insert('kept-1')),
      queue.run((db) => {
        insert('undone')(db);
        throw new Error('refused');
      }),
      queue.run(insert('kept-1')),
      queue.run(insert('kept-2')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(String((outcomes[2] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(database.prepare('SELECT name FROM items ORDER BY name').pluck().all()).toEqual(['kept-1', 'kept-2']);
    database.close();
  });

  it('drains pending writes and fails writes on a closed connection with StoreClosedError', async () => {
    const { database } = open();
    const queue = sqliteWriteQueue(database);
    const pending = queue.run(insert('late'));
    await queue.drain();
    await expect(pending).resolves.toBe(1);
    database.close();
    await expect(queue.run(insert('closed'))).rejects.toBeInstanceOf(StoreClosedError);
  });
});
