import type { RecordedEvent } from '@ordo/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteEventStore } from './event-store.js';
import { collect } from './test-support/collect.js';
import { spawnChildStore } from './test-support/spawn-child-store.js';
import { createTempDir } from './test-support/temp-dir.js';

const dir = createTempDir('processes');
afterAll(() => dir.remove());
let counter = 0;
const nextPath = () => dir.file(`processes-${++counter}.db`);

describe('SqliteEventStore shared by several processes', () => {
  it('gives one winner and a ConcurrencyError to the other when two processes append at the same version', async () => {
    const path = nextPath();
    const [a, b] = await Promise.all([spawnChildStore(path), spawnChildStore(path)]);
    const rounds = 25;
    for (let round = 0; round < rounds; round += 1) {
      const expectedVersion = round === 0 ? 'no_stream' : round * 20;
      const command = { op: 'append', streamId: 'race', count: 20, expectedVersion };
      const replies = await Promise.all([a.request(command), b.request(command)]);
      expect(replies.filter((reply) => reply.ok === true)).toHaveLength(1);
      expect(replies.find((reply) => reply.ok === false)).toMatchObject({ code: 'CONCURRENCY_CONFLICT' });
    }
    await Promise.all([a.request({ op: 'exit' }), b.request({ op: 'exit' })]);

    const store = createSqliteEventStore({ path });
    const versions = (await collect(store.readStream('race'))).map((event) => event.streamVersion);
    expect(versions).toEqual(Array.from({ length: rounds * 20 }, (_, i) => i + 1));
    await store.close();
  }, 120_000);

  it('delivers every event of two writing processes to a live subscriber, gap-free and in position order', async () => {
    const path = nextPath();
    const store = createSqliteEventStore({ path, pollIntervalMs: 5 });
    const [a, b] = await Promise.all([spawnChildStore(path), spawnChildStore(path)]);
    const appends = 300;
    // 1 + (i % 3) events per append: 600 events per process.
    const total = 2 * 600;
    const subscription = store.subscribe({ after: 0, batchSize: 50 });
    const received = collect(subscription, total);
    const replies = await Promise.all([
      a.request({ op: 'burst', streamPrefix: 'a-', appends, streams: 7 }),
      b.request({ op: 'burst', streamPrefix: 'b-', appends, streams: 5 }),
    ]);
    expect(replies).toEqual([
      { ok: true, written: 600 },
      { ok: true, written: 600 },
    ]);
    const events: RecordedEvent[] = await received;
    await subscription.close();
    expect(events.map((event) => event.position)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const pids = new Set(events.map((event) => (event.data as { pid: number }).pid));
    expect(pids.size).toBe(2);
    for (const stream of new Set(events.map((event) => event.streamId))) {
      const versions = events.filter((event) => event.streamId === stream).map((event) => event.streamVersion);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    }
    await Promise.all([a.request({ op: 'exit' }), b.request({ op: 'exit' })]);
    await store.close();
  }, 120_000);
});

describe('SqliteEventStore after kill -9 during a large batch', () => {
  const delaysMs = [0, 40, 150, 400, 1200];

  it.each(delaysMs)('keeps a 50k-event batch whole or not at all when killed %i ms after it started', async (delay) => {
    const path = nextPath();
    const child = await spawnChildStore(path);
    child.send({ op: 'bigBatch', streamId: 'big', count: 50_000 });
    expect(await child.nextReply()).toEqual({ started: true });
    await new Promise((resolve) => setTimeout(resolve, delay));
    child.process.kill('SIGKILL');
    expect(await child.exited).toBe('SIGKILL');

    const store = createSqliteEventStore({ path });
    const stats = store.database
      .prepare(
        "SELECT count(*) AS n, min(stream_version) AS low, max(stream_version) AS high, max(position) - min(position) + 1 AS span FROM ordo_events WHERE stream_id = 'big'",
      )
      .get() as { n: number; low: number | null; high: number | null; span: number | null };
    if (stats.n === 0) {
      expect(await store.headPosition()).toBe(0);
    } else {
      expect(stats).toEqual({ n: 50_000, low: 1, high: 50_000, span: 50_000 });
    }
    const next = await store.appendToStream('big', [{ type: 'AfterCrash', data: {} }], { expectedVersion: stats.n });
    expect(next).toMatchObject({ streamVersion: stats.n + 1, position: stats.n + 1 });
    await store.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  }, 120_000);
});
