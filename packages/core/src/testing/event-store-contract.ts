import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrencyError, DuplicateEventIdError, InvalidEventIdError } from '../errors.js';
import type { NewEvent, RecordedEvent } from '../event.js';
import type { EventStore } from '../event-store.js';

export type StoreFactory<Store> = () => Store | Promise<Store>;

async function collect<T>(iterable: AsyncIterable<T>, limit = Number.POSITIVE_INFINITY): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    items.push(item);
    if (items.length >= limit) break;
  }
  return items;
}

const deposit = (amount: number, extra: Partial<NewEvent> = {}): NewEvent => ({
  type: 'MoneyDeposited',
  data: { amount, note: { nested: [amount, 'x'] } },
  ...extra,
});

/**
 * The behaviour every event store adapter must show. Each test uses its own stream prefix and
 * asserts only on its own streams, so the suite also runs against a shared server.
 *
 * @example
 * eventStoreContract(() => createSqliteEventStore({ path: ':memory:' }));
 */
export function eventStoreContract(
  createStore: StoreFactory<EventStore>,
  suiteName = 'event store contract',
  /** `globalEventIds: false` for stores without an index of event ids across streams (EventStoreDB). */
  capabilities: { readonly globalEventIds?: boolean } = {},
): void {
  describe(suiteName, () => {
    const opened: EventStore[] = [];
    const open = async () => {
      const store = await createStore();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });
    const prefix = () => `c${randomUUID().replaceAll('-', '')}-`;

    describe('appendToStream', () => {
      it('numbers a new stream from version 1 and returns the last position', async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        const result = await store.appendToStream(streamId, [deposit(1), deposit(2)], { expectedVersion: 'no_stream' });
        expect(result.streamVersion).toBe(2);
        expect(result.events.map((e) => e.streamVersion)).toEqual([1, 2]);
        expect(result.position).toBe(result.events[1]?.position);
        expect(result.events[0]?.position).toBeLessThan(result.events[1]?.position ?? 0);
      });

      it('records the envelope: id, type, schema version, timestamp, data and metadata', async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        const id = randomUUID();
        const metadata = { correlationId: 'corr', causationId: 'cause', commandId: 'cmd', tenant: 'acme' };
        await store.appendToStream(streamId, [deposit(7, { id, schemaVersion: 3, metadata })]);
        const [event] = await collect(store.readStream(streamId));
        expect(event).toMatchObject({
          id,
          type: 'MoneyDeposited',
          schemaVersion: 3,
          streamId,
          streamVersion: 1,
          metadata,
        });
        expect(event?.data).toEqual({ amount: 7, note: { nested: [7, 'x'] } });
        expect(new Date(event?.timestamp ?? '').toISOString()).toBe(event?.timestamp);
        expect(Math.abs(Date.parse(event?.timestamp ?? '') - Date.now())).toBeLessThan(60_000);
      });

      it('generates an id when the writer gives none', async () => {
        const store = await open();
        const { events } = await store.appendToStream(`${prefix()}1`, [deposit(1), deposit(2)]);
        expect(events[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(events[0]?.id).not.toBe(events[1]?.id);
      });

      it('accepts a matching numeric expected version and rejects a stale one with both versions', async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        await store.appendToStream(streamId, [deposit(1), deposit(2)]);
        await expect(store.appendToStream(streamId, [deposit(3)], { expectedVersion: 2 })).resolves.toMatchObject({
          streamVersion: 3,
        });
        const error = await store
          .appendToStream(streamId, [deposit(4)], { expectedVersion: 2 })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ code: 'CONCURRENCY_CONFLICT', streamId, expected: 2, actual: 3 });
      });

      it("enforces 'no_stream', 'stream_exists' and 'any'", async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        await expect(
          store.appendToStream(streamId, [deposit(1)], { expectedVersion: 'stream_exists' }),
        ).rejects.toMatchObject({
          expected: 'stream_exists',
          actual: 0,
        });
        await store.appendToStream(streamId, [deposit(1)], { expectedVersion: 'no_stream' });
        await expect(
          store.appendToStream(streamId, [deposit(2)], { expectedVersion: 'no_stream' }),
        ).rejects.toMatchObject({
          expected: 'no_stream',
          actual: 1,
        });
        await store.appendToStream(streamId, [deposit(2)], { expectedVersion: 'stream_exists' });
        await expect(store.appendToStream(streamId, [deposit(3)], { expectedVersion: 'any' })).resolves.toMatchObject({
          streamVersion: 3,
        });
      });

      it('writes nothing of a batch that is refused', async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        const taken = randomUUID();
        if (capabilities.globalEventIds !== false) {
          await store.appendToStream(`${prefix()}other`, [deposit(1, { id: taken })]);
          await expect(
            store.appendToStream(streamId, [deposit(1), deposit(2, { id: taken }), deposit(3)]),
          ).rejects.toBeInstanceOf(DuplicateEventIdError);
        }
        await expect(store.appendToStream(streamId, [deposit(1)], { expectedVersion: 5 })).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect(await collect(store.readStream(streamId))).toEqual([]);
      });

      it('treats a re-append of the same ids at the same versions as done, without writing twice', async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        const batch = [deposit(1, { id: randomUUID() }), deposit(2, { id: randomUUID() })];
        const first = await store.appendToStream(streamId, batch, { expectedVersion: 'no_stream' });
        const again = await store.appendToStream(streamId, batch, { expectedVersion: 'no_stream' });
        expect(again.streamVersion).toBe(first.streamVersion);
        expect(again.position).toBe(first.position);
        expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
        const anyVersion = await store.appendToStream(streamId, batch, { expectedVersion: 'any' });
        expect(anyVersion.streamVersion).toBe(2);
        expect(await collect(store.readStream(streamId))).toHaveLength(2);
      });

      it('stores a UUID id in lowercase canonical form and recognises a retry spelled differently', async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        const id = randomUUID();
        const first = await store.appendToStream(streamId, [deposit(1, { id: `{${id.toUpperCase()}}` })]);
        expect(first.events.map((e) => e.id)).toEqual([id]);
        const again = await store.appendToStream(streamId, [deposit(1, { id: id.toUpperCase() })], {
          expectedVersion: 'no_stream',
        });
        expect(again.streamVersion).toBe(1);
        expect((await collect(store.readStream(streamId))).map((e) => e.id)).toEqual([id]);
      });

      it('refuses an id that is not a UUID with InvalidEventIdError, writing nothing of the batch', async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        await expect(
          store.appendToStream(streamId, [deposit(1), deposit(2, { id: 'order-7' })]),
        ).rejects.toBeInstanceOf(InvalidEventIdError);
        expect(await collect(store.readStream(streamId))).toEqual([]);
      });

      it('refuses a re-append of stored ids at other versions', async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        const batch = [deposit(1, { id: randomUUID() })];
        await store.appendToStream(streamId, [deposit(0)]);
        await store.appendToStream(streamId, batch, { expectedVersion: 1 });
        await expect(store.appendToStream(streamId, batch, { expectedVersion: 2 })).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect(await collect(store.readStream(streamId))).toHaveLength(2);
      });

      it('lets exactly one of many concurrent writers at the same expected version win', async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        await store.appendToStream(streamId, [deposit(0)]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.appendToStream(streamId, [deposit(i)], { expectedVersion: 1 })),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ConcurrencyError);
        }
        expect((await collect(store.readStream(streamId))).map((e) => e.streamVersion)).toEqual([1, 2]);
      });

      it('checks the expected version of an empty batch without writing', async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        await store.appendToStream(streamId, [deposit(1)]);
        await expect(store.appendToStream(streamId, [], { expectedVersion: 1 })).resolves.toMatchObject({
          streamVersion: 1,
          events: [],
        });
        await expect(store.appendToStream(streamId, [], { expectedVersion: 0 })).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
      });
    });

    describe('readStream', () => {
      it('reads forward and backward within a range, with a maximum count', async () => {
        const store = await open();
        const streamId = `${prefix()}1`;
        await store.appendToStream(
          streamId,
          [1, 2, 3, 4, 5].map((n) => deposit(n)),
        );
        const versions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await collect(store.readStream(streamId, options))).map((e) => e.streamVersion);
        expect(await versions({})).toEqual([1, 2, 3, 4, 5]);
        expect(await versions({ from: 2, to: 4 })).toEqual([2, 3, 4]);
        expect(await versions({ from: 3, maxCount: 2 })).toEqual([3, 4]);
        expect(await versions({ direction: 'backward' })).toEqual([5, 4, 3, 2, 1]);
        expect(await versions({ direction: 'backward', from: 4, to: 2 })).toEqual([4, 3, 2]);
        expect(await versions({ direction: 'backward', maxCount: 1 })).toEqual([5]);
        expect(await versions({ from: 6 })).toEqual([]);
      });

      it('reads a missing stream as empty', async () => {
        const store = await open();
        expect(await collect(store.readStream(`${prefix()}missing`))).toEqual([]);
      });

      it('streams a long stream in order across internal pages', async () => {
        const store = await open();
        const streamId = `${prefix()}long`;
        for (let batch = 0; batch < 5; batch += 1) {
          await store.appendToStream(
            streamId,
            Array.from({ length: 500 }, (_, i) => deposit(batch * 500 + i)),
          );
        }
        const events = await collect(store.readStream(streamId));
        expect(events).toHaveLength(2500);
        expect(events.every((e, i) => e.streamVersion === i + 1 && (e.data as { amount: number }).amount === i)).toBe(
          true,
        );
      });
    });

    describe('readAll', () => {
      it('reads every stream in position order after a position, with filters', async () => {
        const store = await open();
        const p = prefix();
        const start = await store.headPosition();
        await store.appendToStream(`${p}a`, [deposit(1)]);
        await store.appendToStream(`${p}b`, [{ type: 'MoneyWithdrawn', data: { amount: 1 } }]);
        await store.appendToStream(`${p}a`, [deposit(2)]);
        const mine = { streamIdPrefixes: [p] };
        const all = await collect(store.readAll({ after: start, filter: mine, batchSize: 1 }));
        expect(all.map((e) => `${e.streamId.slice(p.length)}:${e.streamVersion}`)).toEqual(['a:1', 'b:1', 'a:2']);
        expect(all.every((e, i) => i === 0 || e.position > (all[i - 1] as RecordedEvent).position)).toBe(true);
        const afterFirst = await collect(store.readAll({ after: all[0]?.position ?? 0, filter: mine }));
        expect(afterFirst.map((e) => e.position)).toEqual(all.slice(1).map((e) => e.position));
        const byType = await collect(
          store.readAll({ after: start, filter: { ...mine, eventTypes: ['MoneyWithdrawn'] } }),
        );
        expect(byType.map((e) => e.streamId)).toEqual([`${p}b`]);
        const upTo = await collect(store.readAll({ after: start, to: all[1]?.position ?? 0, filter: mine }));
        expect(upTo).toHaveLength(2);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(all[2]?.position ?? Number.POSITIVE_INFINITY);
      });
    });

    describe('subscribe', () => {
      it('catches up from a position, then delivers live appends in order', async () => {
        const store = await open();
        const p = prefix();
        const start = await store.headPosition();
        await store.appendToStream(`${p}a`, [deposit(1), deposit(2)]);
        const subscription = store.subscribe({ after: start, filter: { streamIdPrefixes: [p] }, batchSize: 1 });
        const received = collect(subscription, 4);
        await store.appendToStream(`${p}b`, [deposit(3)]);
        await store.appendToStream(`${p}a`, [deposit(4)]);
        const events = await received;
        await subscription.close();
        expect(events.map((e) => (e.data as { amount: number }).amount)).toEqual([1, 2, 3, 4]);
      });

      it('ends iteration when closed while waiting for appends', async () => {
        const store = await open();
        const subscription = store.subscribe({
          after: await store.headPosition(),
          filter: { streamIdPrefixes: [prefix()] },
        });
        const done = collect(subscription);
        setTimeout(() => void subscription.close(), 20);
        await expect(done).resolves.toEqual([]);
      });

      it('reports checkpoints through ranges its filter drops entirely', async () => {
        const store = await open();
        const p = prefix();
        const start = await store.headPosition();
        const { position } = await store.appendToStream(`${p}noise`, [deposit(1), deposit(2)]);
        const checkpoints: number[] = [];
        const subscription = store.subscribe({
          after: start,
          filter: { streamIdPrefixes: [`${p}signal`] },
          onCheckpoint: (at) => checkpoints.push(at),
        });
        const received = collect(subscription, 1);
        await store.appendToStream(`${p}signal`, [deposit(3)]);
        const [event] = await received;
        await subscription.close();
        expect(event?.streamId).toBe(`${p}signal`);
        expect(Math.max(...checkpoints)).toBeGreaterThanOrEqual(position);
      });
    });

    describe('findCommand', () => {
      it("returns the events a command id wrote to a stream, and nothing for another stream's", async () => {
        const store = await open();
        const p = prefix();
        await store.appendToStream(`${p}a`, [
          deposit(1, { metadata: { commandId: 'c1' } }),
          deposit(2, { metadata: { commandId: 'c1' } }),
        ]);
        await store.appendToStream(`${p}a`, [deposit(3, { metadata: { commandId: 'c2' } })]);
        expect((await store.findCommand(`${p}a`, 'c1')).map((e) => e.streamVersion)).toEqual([1, 2]);
        expect(await store.findCommand(`${p}b`, 'c1')).toEqual([]);
        expect(await store.findCommand(`${p}a`, 'nope')).toEqual([]);
      });
    });
  });
}
