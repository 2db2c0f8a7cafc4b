import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { ConcurrencyError, type EventSubscription, InvalidEventIdError, type RecordedEvent } from '@ordo/core';
import { eventStoreContract } from '@ordo/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { EsdbAppendTooLargeError, EsdbStreamDeletedError, EsdbStreamTruncatedError } from './errors.js';
import { createEsdbEventStore } from './event-store.js';

const url = process.env.ESDB_URL;
if (url === undefined)
  console.info('@ordo/eventstoredb integration tests skipped: set ESDB_URL (e.g. esdb://localhost:2113?tls=false)');

const clients: EventStoreDBClient[] = [];
const connect = (options = '') => {
  const base = url ?? '';
  const client = EventStoreDBClient.connectionString(
    `${base}${options === '' ? '' : `${base.includes('?') ? '&' : '?'}${options}`}`,
  );
  clients.push(client);
  return client;
};
const kurrentClients: KurrentDBClient[] = [];
const connectKurrent = () => {
  const client = KurrentDBClient.connectionString(`${(url ?? '').replace(/^esdb/, 'kurrentdb')}`);
  kurrentClients.push(client);
  return client;
};
afterAll(async () => {
  await Promise.all([...clients, ...kurrentClients].map((client) => client.dispose()));
});

async function first(subscription: EventSubscription): Promise<RecordedEvent | undefined> {
  for await (const event of subscription) return event;
  return undefined;
}

describe.skipIf(url === undefined)('EsdbEventStore on a real EventStoreDB', () => {
  // Every contract test uses its own random stream prefix, so it runs on a shared server.
  // ESDB has no index of event ids across streams: the cross-stream duplicate check is waived.
  // A checkpoint per considered event, so the contract's two filtered events report one.
  eventStoreContract(
    () => createEsdbEventStore({ client: connect(), checkpointEvery: 1 }),
    'event store contract (EventStoreDB)',
    { globalEventIds: false },
  );

  eventStoreContract(
    () => createEsdbEventStore({ client: connectKurrent(), checkpointEvery: 1 }),
    'event store contract (@kurrent/kurrentdb-client)',
    { globalEventIds: false },
  );

  const prefix = () => `esdb-int-${randomUUID().replaceAll('-', '')}-`;

  it('keeps a UUID id in the lowercase form the server answers with, and refuses a non-UUID id', async () => {
    const store = createEsdbEventStore({ client: connect() });
    const streamId = `${prefix()}ids`;
    const id = randomUUID();
    const { events } = await store.appendToStream(streamId, [{ id: id.toUpperCase(), type: 'A', data: {} }]);
    expect(events.map((e) => e.id)).toEqual([id]);
    await expect(store.appendToStream(streamId, [{ id: 'order-7', type: 'A', data: {} }])).rejects.toBeInstanceOf(
      InvalidEventIdError,
    );
  });

  it("refuses 'stream_exists' on a metadata-only stream, and reports a soft-deleted stream at version 0", async () => {
    const client = connect();
    const store = createEsdbEventStore({ client });
    const metaOnly = `${prefix()}meta`;
    await client.setStreamMetadata(metaOnly, { maxCount: 10 });
    await expect(
      store.appendToStream(metaOnly, [{ type: 'A', data: {} }], { expectedVersion: 'stream_exists' }),
    ).rejects.toMatchObject({ actual: 0 });
    const deleted = `${prefix()}soft`;
    await store.appendToStream(deleted, [
      { type: 'A', data: {} },
      { type: 'A', data: {} },
    ]);
    await client.deleteStream(deleted);
    await expect(
      store.appendToStream(deleted, [{ type: 'A', data: {} }], { expectedVersion: 1 }),
    ).rejects.toMatchObject({
      actual: 0,
    });
    await store.appendToStream(deleted, [{ type: 'A', data: {} }], { expectedVersion: 'no_stream' });
    expect(await collectVersions(store.readStream(deleted))).toEqual([3]);
  });

  it('refuses to read a stream whose first events $maxCount removed', async () => {
    const client = connect();
    const store = createEsdbEventStore({ client });
    const streamId = `${prefix()}capped`;
    await store.appendToStream(
      streamId,
      [1, 2, 3].map(() => ({ type: 'A', data: {} })),
    );
    await client.setStreamMetadata(streamId, { maxCount: 2 });
    await expect(collectVersions(store.readStream(streamId))).rejects.toBeInstanceOf(EsdbStreamTruncatedError);
  });

  it('gives every event of one batch its own, strictly increasing position', async () => {
    const store = createEsdbEventStore({ client: connect() });
    const streamId = `${prefix()}batch`;
    const start = await store.headPosition();
    const { events } = await store.appendToStream(streamId, [
      { type: 'A', data: {} },
      { type: 'A', data: {} },
      { type: 'A', data: {} },
    ]);
    const read: RecordedEvent[] = [];
    for await (const event of store.readAll({ after: start, filter: { streamIdPrefixes: [streamId] } })) {
      read.push(event);
    }
    expect(new Set(events.map((e) => e.position)).size).toBe(3);
    expect(read.map((e) => e.position)).toEqual(events.map((e) => e.position));
    // Resuming after the middle event of the batch delivers exactly the last one.
    const rest: RecordedEvent[] = [];
    for await (const event of store.readAll({
      after: events[1]?.position ?? 0,
      filter: { streamIdPrefixes: [streamId] },
    })) {
      rest.push(event);
    }
    expect(rest.map((e) => e.streamVersion)).toEqual([3]);
  });

  it('stores the native revision as version - 1, visible to plain ESDB clients', async () => {
    const client = connect();
    const store = createEsdbEventStore({ client });
    const streamId = `${prefix()}rev`;
    await store.appendToStream(streamId, [
      { type: 'A', data: { n: 1 } },
      { type: 'A', data: { n: 2 } },
    ]);
    const revisions: bigint[] = [];
    for await (const resolved of client.readStream(streamId)) revisions.push(resolved.event?.revision ?? -1n);
    expect(revisions).toEqual([0n, 1n]);
    await expect(
      store.appendToStream(streamId, [{ type: 'A', data: {} }], { expectedVersion: 1 }),
    ).rejects.toMatchObject({
      expected: 1,
      actual: 2,
    });
  });

  it('maps a conflict from another writer to ConcurrencyError carrying the actual version', async () => {
    const client = connect();
    const store = createEsdbEventStore({ client });
    const streamId = `${prefix()}race`;
    await store.appendToStream(streamId, [{ type: 'A', data: {} }]);
    await client.appendToStream(streamId, {
      id: randomUUID(),
      contentType: 'application/json',
      type: 'B',
      data: {},
      metadata: {},
    });
    const error = await store
      .appendToStream(streamId, [{ type: 'A', data: {} }], { expectedVersion: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ actual: 2 });
  });

  it('follows live appends through a server-filtered $all subscription', async () => {
    const store = createEsdbEventStore({ client: connect(), resubscribe: { initialDelayMs: 10, maxDelayMs: 50 } });
    const p = prefix();
    const start = await store.headPosition();
    const subscription = store.subscribe({ after: start, filter: { streamIdPrefixes: [p] } });
    const received: number[] = [];
    const done = (async () => {
      for await (const event of subscription) {
        received.push((event.data as { n: number }).n);
        if (received.length === 2) break;
      }
    })();
    await store.appendToStream(`${p}a`, [{ type: 'A', data: { n: 1 } }]);
    await store.appendToStream(`${p}a`, [{ type: 'A', data: { n: 2 } }]);
    await done;
    await subscription.close();
    expect(received).toEqual([1, 2]);
  });

  it('does not detect an event id reused in another stream (known limitation: no global id index)', async () => {
    const store = createEsdbEventStore({ client: connect() });
    const id = randomUUID();
    await store.appendToStream(`${prefix()}one`, [{ id, type: 'A', data: {} }]);
    await expect(store.appendToStream(`${prefix()}two`, [{ id, type: 'A', data: {} }])).resolves.toMatchObject({
      streamVersion: 1,
    });
  });

  it('finds a command only within the documented lookback window', async () => {
    const store = createEsdbEventStore({ client: connect(), lookbackWindow: 3 });
    const streamId = `${prefix()}cmd`;
    await store.appendToStream(streamId, [{ type: 'A', data: {}, metadata: { commandId: 'old' } }]);
    await store.appendToStream(
      streamId,
      [1, 2, 3].map(() => ({ type: 'A', data: {}, metadata: { commandId: 'new' } })),
    );
    expect((await store.findCommand(streamId, 'new')).map((e) => e.streamVersion)).toEqual([2, 3, 4]);
    expect(await store.findCommand(streamId, 'old')).toEqual([]);
  });

  it('resumes after a checkpoint from filtered-out events without skipping the next matching event', async () => {
    const store = createEsdbEventStore({ client: connect(), checkpointEvery: 1 });
    const p = prefix();
    const start = await store.headPosition();
    const { position: noise } = await store.appendToStream(`${p}noise`, [
      { type: 'A', data: {} },
      { type: 'A', data: {} },
    ]);
    let covered: (at: number) => void = () => {};
    const checkpoint = new Promise<number>((resolve) => {
      covered = (at) => {
        if (at >= noise) resolve(at);
      };
    });
    const filter = { streamIdPrefixes: [`${p}signal`] };
    const watching = store.subscribe({ after: start, filter, onCheckpoint: (at) => covered(at) });
    const idle = first(watching);
    const resumeAt = await checkpoint;
    await watching.close();
    expect(await idle).toBeUndefined();
    // The catch-up checkpoint is "before the next record": reporting that record's position would skip it.
    await store.appendToStream(`${p}signal`, [{ type: 'A', data: { n: 1 } }]);
    await store.appendToStream(`${p}signal`, [{ type: 'A', data: { n: 2 } }]);
    const resumed = store.subscribe({ after: resumeAt, filter });
    const event = await first(resumed);
    await resumed.close();
    expect(event?.data).toEqual({ n: 1 });
  });

  it('maps a conflict answered without an exception (throwOnAppendFailure=false) to ConcurrencyError', async () => {
    const store = createEsdbEventStore({ client: connect('throwOnAppendFailure=false') });
    const streamId = `${prefix()}soft`;
    await store.appendToStream(streamId, [{ type: 'A', data: {} }]);
    await expect(
      store.appendToStream(streamId, [{ type: 'A', data: {} }], { expectedVersion: 'no_stream' }),
    ).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', actual: 1 });
    expect(await collectVersions(store.readStream(streamId))).toEqual([1]);
  });

  it('refuses a tombstoned stream with EsdbStreamDeletedError on read and append', async () => {
    const client = connect();
    const store = createEsdbEventStore({ client });
    const streamId = `${prefix()}tomb`;
    await store.appendToStream(streamId, [{ type: 'A', data: {} }]);
    await client.tombstoneStream(streamId);
    await expect(collectVersions(store.readStream(streamId))).rejects.toBeInstanceOf(EsdbStreamDeletedError);
    await expect(store.appendToStream(streamId, [{ type: 'A', data: {} }])).rejects.toBeInstanceOf(
      EsdbStreamDeletedError,
    );
  });

  it('refuses a batch over the server MaxAppendSize as a whole, with a typed error', async () => {
    const store = createEsdbEventStore({ client: connect() });
    const streamId = `${prefix()}big`;
    // Two 600 KB events: each fits the default 1 MiB limit, the batch does not.
    const blob = 'x'.repeat(600 * 1024);
    const error = await store
      .appendToStream(streamId, [
        { type: 'A', data: { blob } },
        { type: 'A', data: { blob } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsdbAppendTooLargeError);
    expect(await collectVersions(store.readStream(streamId))).toEqual([]);
  });
});

async function collectVersions(events: AsyncIterable<RecordedEvent>): Promise<number[]> {
  const versions: number[] = [];
  for await (const event of events) versions.push(event.streamVersion);
  return versions;
}
