import { ConcurrencyError, InvalidEventIdError, type RecordedEvent } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import { EsdbSharedPositionError, EsdbStreamTruncatedError } from './errors.js';
import { createEsdbEventStore } from './event-store.js';
import { createFakeEsdbServer } from './test-support/fake-esdb-server.js';

// The server rules these tests rely on are cited in test-support/fake-esdb-server.ts.
const deposit = (id?: string) => ({ type: 'Deposited', data: { amount: 1 }, ...(id === undefined ? {} : { id }) });

async function collect(events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe.each(['eventstoredb', 'kurrentdb'] as const)('EsdbEventStore over a %s client', (flavour) => {
  const setup = () => {
    const server = createFakeEsdbServer(flavour);
    return { server, store: createEsdbEventStore({ client: server.client }) };
  };

  it('passes the expected version under the name this client reads, so a conflict is a conflict', async () => {
    const { store } = setup();
    await store.appendToStream('account-1', [deposit()]);
    await expect(
      store.appendToStream('account-1', [deposit()], { expectedVersion: 'no_stream' }),
    ).rejects.toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
      actual: 1,
    });
    await expect(store.appendToStream('account-1', [deposit()], { expectedVersion: 3 })).rejects.toMatchObject({
      actual: 1,
    });
  });

  it('accepts any spelling of a UUID id, keeps the lowercase form and recognises a retry spelled otherwise', async () => {
    const { store } = setup();
    const id = 'a5a0b6c4-00ab-4000-8000-0000000000ef';
    const first = await store.appendToStream('account-1', [deposit(`{${id.toUpperCase()}}`)], {
      expectedVersion: 'no_stream',
    });
    expect(first.events.map((event) => event.id)).toEqual([id]);
    const retried = await store.appendToStream('account-1', [deposit(id.toUpperCase().replaceAll('-', ''))], {
      expectedVersion: 'no_stream',
    });
    expect(retried).toMatchObject({ streamVersion: 1, position: first.position });
    expect(await collect(store.readStream('account-1'))).toHaveLength(1);
  });

  it('refuses an id the server could not parse as a GUID with InvalidEventIdError, before sending', async () => {
    const { store } = setup();
    await expect(store.appendToStream('account-1', [deposit(), deposit('order-7')])).rejects.toBeInstanceOf(
      InvalidEventIdError,
    );
    expect(await collect(store.readStream('account-1'))).toEqual([]);
  });

  it("refuses 'stream_exists' on a stream that holds only metadata (the server lets it through)", async () => {
    const { server, store } = setup();
    server.setMetadata('account-1', { maxCount: 10 });
    await expect(
      store.appendToStream('account-1', [deposit()], { expectedVersion: 'stream_exists' }),
    ).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', actual: 0 });
    expect(await collect(store.readStream('account-1'))).toEqual([]);
  });

  it('reports a soft-deleted stream as version 0, as reads do, and lets it be written again from there', async () => {
    const { server, store } = setup();
    await store.appendToStream('account-1', [deposit(), deposit()]);
    server.softDelete('account-1');
    // A stale version: the server reports revision 1 (version 2), while reads find nothing.
    const conflict = await store
      .appendToStream('account-1', [deposit()], { expectedVersion: 1 })
      .catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(ConcurrencyError);
    expect(conflict).toMatchObject({ actual: 0 });
    await store.appendToStream('account-1', [deposit()], { expectedVersion: 0 });
    // The server writes $tb at the recreated revision: the stream now starts there.
    expect((await collect(store.readStream('account-1'))).map((event) => event.streamVersion)).toEqual([3]);
  });

  it('raises EsdbStreamTruncatedError when every event expired, instead of a conflict no retry can clear', async () => {
    const { server, store } = setup();
    await store.appendToStream('account-1', [deposit(), deposit()]);
    server.setMetadata('account-1', { maxAge: 60 });
    server.advanceClock(61_000);
    expect(await collect(store.readStream('account-1'))).toEqual([]);
    const error = await store
      .appendToStream('account-1', [deposit()], { expectedVersion: 'no_stream' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EsdbStreamTruncatedError);
    expect(error).toMatchObject({ code: 'ESDB_STREAM_TRUNCATED', streamId: 'account-1', serverVersion: 2 });
  });

  it('refuses to read a stream whose first events $maxCount removed, rather than fold part of it', async () => {
    const { server, store } = setup();
    await store.appendToStream('account-1', [deposit(), deposit(), deposit()]);
    server.setMetadata('account-1', { maxCount: 2 });
    await expect(collect(store.readStream('account-1'))).rejects.toMatchObject({
      code: 'ESDB_STREAM_TRUNCATED',
      firstReadable: 2,
    });
    // Reading from a version still there is fine (a snapshot at version 2, say).
    expect((await collect(store.readStream('account-1', { from: 2 }))).map((e) => e.streamVersion)).toEqual([2, 3]);
  });

  it('refuses $all events that share a commit position instead of delivering only the first', async () => {
    const { server, store } = setup();
    await store.appendToStream('account-1', [deposit()]);
    server.legacyTransaction('legacy-1', 3);
    await expect(collect(store.readAll())).rejects.toBeInstanceOf(EsdbSharedPositionError);
    // Also when a page ends between two events of the transaction.
    for (const batchSize of [1, 2, 3]) {
      await expect(collect(store.readAll({ batchSize }))).rejects.toBeInstanceOf(EsdbSharedPositionError);
    }
  });

  it('reads the head and leaves reads early with whatever ending this client offers', async () => {
    const { server, store } = setup();
    const { position } = await store.appendToStream('account-1', [deposit(), deposit(), deposit()]);
    expect(await store.headPosition()).toBe(position);
    for await (const event of store.readStream('account-1')) if (event.streamVersion === 1) break;
    expect(server.cancelled.length > 0).toBe(flavour === 'eventstoredb');
  });
});
