import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateSqliteDatabase, openSqliteDatabase, ordoApplicationId } from './database.js';
import { NotAnOrdoDatabaseError, ReadOnlyStoreError, SchemaTooNewError } from './errors.js';
import { createSqliteEventStore } from './event-store.js';
import { migrations } from './migrations.js';
import { createTempDir } from './test-support/temp-dir.js';

const dir = createTempDir('database');
afterAll(() => dir.remove());
let counter = 0;
const freshPath = () => dir.file(`db-${++counter}.db`);

describe('openSqliteDatabase', () => {
  it('creates a new file in WAL mode with the Ordo marker and the latest schema version', () => {
    const database = openSqliteDatabase({ path: freshPath() });
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.pragma('synchronous', { simple: true })).toBe(2);
    expect(database.pragma('application_id', { simple: true })).toBe(ordoApplicationId);
    expect(database.pragma('user_version', { simple: true })).toBe(migrations.length);
    const tables = database.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['ordo_events', 'ordo_snapshots']));
    database.close();
  });

  it('sets the synchronous level and busy timeout it is given', () => {
    const database = openSqliteDatabase({ path: freshPath(), synchronous: 'normal', busyTimeoutMs: 1234 });
    expect(database.pragma('synchronous', { simple: true })).toBe(1);
    expect(database.pragma('busy_timeout', { simple: true })).toBe(1234);
    database.close();
  });

  it('reopens an existing store without re-running its migrations', () => {
    const path = freshPath();
    const first = openSqliteDatabase({ path });
    first.exec("INSERT INTO ordo_snapshots VALUES ('s', 1, 1, '{}')");
    first.close();
    const again = openSqliteDatabase({ path });
    expect(again.prepare('SELECT count(*) FROM ordo_snapshots').pluck().get()).toBe(1);
    again.close();
  });

  it('applies only the migrations a file has not seen yet, in order', () => {
    const path = freshPath();
    const older = new Database(path);
    migrateSqliteDatabase(older, path, migrations.slice(0, 1));
    expect(older.pragma('user_version', { simple: true })).toBe(1);
    older.exec("INSERT INTO ordo_events VALUES (1, 's', 1, 'id-1', 'T', 1, 't', '{}', '{}', NULL)");
    older.close();
    const current = openSqliteDatabase({ path });
    expect(current.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(current.prepare('SELECT count(*) FROM ordo_events').pluck().get()).toBe(1);
    current.close();
  });

  it('re-keys the command index of a schema-4 file by command id, and finds its commands through it', async () => {
    const path = freshPath();
    const older = new Database(path);
    migrateSqliteDatabase(older, path, migrations.slice(0, 4));
    older.exec(`INSERT INTO ordo_events VALUES
      (1, 'account-1', 1, 'id-1', 'Opened', 1, 't', '{}', '{"commandId":"c-1"}', 'c-1'),
      (2, 'account-1', 2, 'id-2', 'Deposited', 1, 't', '{}', '{"commandId":"c-2"}', 'c-2')`);
    older.close();
    const store = createSqliteEventStore({ path });
    const indexes = store.database.prepare("SELECT name FROM sqlite_schema WHERE type = 'index'").pluck().all();
    expect(indexes).toContain('ordo_events_command_id');
    expect(indexes).not.toContain('ordo_events_command');
    expect((await store.findCommand('account-1', 'c-2')).map((event) => event.id)).toEqual(['id-2']);
    expect(await store.findCommand('account-2', 'c-2')).toEqual([]);
    await store.close();
  });

  it('rolls a failing migration back entirely and keeps the previous version', () => {
    const path = freshPath();
    const database = new Database(path);
    migrateSqliteDatabase(database, path, migrations);
    const broken = [...migrations, { name: 'broken', up: 'CREATE TABLE half_done (x); SELECT * FROM missing_table;' }];
    expect(() => migrateSqliteDatabase(database, path, broken)).toThrow(/missing_table/);
    expect(database.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(database.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").pluck().get()).toBe(0);
    database.close();
  });

  it('refuses a file that is not SQLite at all', () => {
    const path = freshPath();
    writeFileSync(path, Buffer.from('definitely not a database, just some random bytes'.repeat(100)));
    expect(() => openSqliteDatabase({ path })).toThrow(NotAnOrdoDatabaseError);
    try {
      openSqliteDatabase({ path });
    } catch (error) {
      expect(error).toMatchObject({ code: 'NOT_AN_ORDO_DATABASE', path });
    }
  });

  it('refuses an SQLite file that belongs to another application', () => {
    const path = freshPath();
    const foreign = new Database(path);
    foreign.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
    foreign.close();
    expect(() => openSqliteDatabase({ path })).toThrow(NotAnOrdoDatabaseError);
    const untouched = new Database(path);
    expect(untouched.pragma('application_id', { simple: true })).toBe(0);
    expect(untouched.prepare('SELECT count(*) FROM sqlite_schema').pluck().get()).toBe(1);
    untouched.close();
  });

  it('refuses a file written by a newer schema, naming both versions', () => {
    const path = freshPath();
    openSqliteDatabase({ path }).close();
    const newer = new Database(path);
    newer.pragma(`user_version = ${migrations.length + 3}`);
    newer.close();
    expect(() => openSqliteDatabase({ path })).toThrow(SchemaTooNewError);
    try {
      openSqliteDatabase({ path });
    } catch (error) {
      expect(error).toMatchObject({
        code: 'SCHEMA_TOO_NEW',
        fileVersion: migrations.length + 3,
        supportedVersion: migrations.length,
      });
    }
  });

  it('opens read-only without writing, and refuses read-only when migrations are pending', () => {
    const path = freshPath();
    const database = new Database(path);
    migrateSqliteDatabase(database, path, migrations.slice(0, 1));
    database.close();
    expect(() => openSqliteDatabase({ path, readonly: true })).toThrow(ReadOnlyStoreError);
    openSqliteDatabase({ path }).close();
    const readonly = openSqliteDatabase({ path, readonly: true });
    expect(readonly.readonly).toBe(true);
    expect(readonly.prepare('SELECT count(*) FROM ordo_events').pluck().get()).toBe(0);
    readonly.close();
  });

  it('opens a private in-memory database for tests', () => {
    const database = openSqliteDatabase({ path: ':memory:' });
    expect(database.pragma('user_version', { simple: true })).toBe(migrations.length);
    database.close();
  });
});
