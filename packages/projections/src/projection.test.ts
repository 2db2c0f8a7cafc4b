import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidProjectionError } from './errors.js';
import { defineProjection, fromEvents, isStreamKeyed } from './projection.js';
import { defineReactor } from './reactor.js';
import { upsert } from './read-model-operation.js';
import { balances, ledger, owners } from './test-support/ledger.js';
import { projectionSpec } from './testing/projection-spec.js';

describe('defineProjection', () => {
  it('names its collection after the version and defaults to one partition keyed by stream id', () => {
    const projection = defineProjection({ name: 'audit', sources: [ledger], handlers: {} });
    expect(projection).toMatchObject({ collection: 'audit_v1', version: 1, partitions: 1, indexes: {} });
    expect(balances({ version: 3 }).collection).toBe('balances_v3');
    expect(projection.partitionKey({ streamId: 'ledger-9' } as never)).toBe('ledger-9');
  });

  it('tells which projections a source keyed by stream id can feed', () => {
    expect(isStreamKeyed(balances())).toBe(true);
    expect(isStreamKeyed(defineReactor({ name: 'mailer', sources: [ledger], handlers: {} }))).toBe(true);
    const byOwner = defineProjection({
      name: 'by_owner',
      sources: [ledger],
      partitionKey: (event) => String((event.data as { owner?: string }).owner),
      handlers: {},
    });
    expect(isStreamKeyed(byOwner)).toBe(false);
    // A custom key is never assumed to equal the stream id: such a projection reads the store.
    const explicit = defineProjection({ name: 'x', sources: [ledger], partitionKey: (e) => e.streamId, handlers: {} });
    expect(isStreamKeyed(explicit)).toBe(false);
  });

  it('lists only the event types it handles, so the source can filter the rest out', () => {
    expect(owners().eventTypes).toEqual(['Opened', 'Deposited']);
    expect(balances().eventTypes).toEqual(['Opened', 'Deposited', 'Closed']);
  });

  it('decodes through the source codec (upcasting) and skips types no source knows', () => {
    const projection = balances();
    const stored = {
      id: 'e',
      type: 'Deposited',
      schemaVersion: 1,
      streamId: 'ledger-1',
      streamVersion: 2,
      position: 2,
      timestamp: new Date(0).toISOString(),
      data: { amount: '12' },
      metadata: {},
    };
    expect(projection.decode(stored)?.data).toEqual({ amount: 12 });
    expect(projection.decode({ ...stored, type: 'Unrelated' })).toBeUndefined();
    expect(() => projection.decode({ ...stored, schemaVersion: 2 })).toThrow(/does not match its schema/);
  });

  it('rejects a bad name, version, partition count, index or missing handlers', () => {
    const base = { sources: [ledger], handlers: {} };
    expect(() => defineProjection({ ...base, name: 'drop table;' })).toThrow(InvalidProjectionError);
    expect(() => defineProjection({ ...base, name: 'ok', version: 0 })).toThrow(InvalidProjectionError);
    expect(() => defineProjection({ ...base, name: 'ok', partitions: 0 })).toThrow(InvalidProjectionError);
    expect(() => defineProjection({ ...base, name: 'ok', indexes: { "a'b": 'string' } })).toThrow(
      InvalidProjectionError,
    );
    expect(() => defineProjection({ name: 'ok', sources: [] as never, handlers: {} })).toThrow(InvalidProjectionError);
    expect(() => defineProjection({ name: 'ok', sources: [ledger] } as never)).toThrow(InvalidProjectionError);
  });
});

describe('projectionSpec', () => {
  const notes = defineProjection({
    name: 'notes',
    sources: [fromEvents({ Noted: z.object({ text: z.string() }) })],
    handlers: { Noted: (event) => upsert(event.streamId, { text: event.data.text }) },
  });

  it('passes when the documents match after the run and after redelivery', async () => {
    await projectionSpec(balances())
      .given([
        { streamId: 'ledger-1', type: 'Opened', data: { owner: 'ada' } },
        { streamId: 'ledger-1', type: 'Deposited', data: { amount: '5' }, schemaVersion: 1 },
        { streamId: 'ledger-1', type: 'Deposited', data: { amount: 7 } },
        { streamId: 'ledger-2', type: 'Opened', data: { owner: 'bob' } },
        { streamId: 'ledger-2', type: 'Closed', data: {} },
      ])
      .thenDocuments({ 'ledger-1': { owner: 'ada', balance: 12, deposits: 2, seen: [1, 2, 3] } });
  });

  it('fails when a document differs from the expectation', async () => {
    await expect(
      projectionSpec(notes)
        .given([{ streamId: 'n-1', type: 'Noted', data: { text: 'hi' } }])
        .thenDocuments({ 'n-1': { text: 'bye' } }),
    ).rejects.toThrow(/Expected values to be strictly deep-equal/);
  });

  it('fails a projection whose documents change when the same events are delivered again', async () => {
    let runs = 0;
    const unstable = defineProjection({
      name: 'unstable',
      sources: [fromEvents({ Noted: z.object({ text: z.string() }) })],
      // A fresh id per delivery: redelivery adds documents instead of rewriting them.
      handlers: {
        Noted: (event) => {
          runs += 1;
          return upsert(`${event.streamId}-${runs}`, { text: event.data.text });
        },
      },
    });
    await expect(
      projectionSpec(unstable)
        .given([{ streamId: 'n-1', type: 'Noted', data: { text: 'hi' } }])
        .documents(),
    ).rejects.toThrow(/changed its read model when the events were delivered twice/);
  });
});
