import { defineAggregate, type EventStore } from '@ordo/core';
import { z } from 'zod';
import { defineProjection } from '../projection.js';
import { patch, upsert } from '../read-model-operation.js';

/** A tiny account aggregate for the projection tests; v1 deposits stored `amount` as a string. */
export const ledger = defineAggregate({
  name: 'Ledger',
  commands: { Noop: z.object({}) },
  events: {
    Opened: z.object({ owner: z.string() }),
    Deposited: z.object({ amount: z.number().int() }),
    Closed: z.object({}),
  },
  upcasters: { Deposited: { 1: (data) => ({ amount: Number((data as { amount: string }).amount) }) } },
  initialState: () => ({}),
  evolve: (state) => state,
  decide: () => [],
});

export interface Balance extends Record<string, unknown> {
  readonly owner: string;
  readonly balance: number;
  readonly deposits: number;
  /** Stream versions in the order they were applied, to prove per-stream order. */
  readonly seen: readonly number[];
}

export const balances = (options: { version?: number; partitions?: number; name?: string } = {}) =>
  defineProjection({
    name: options.name ?? 'balances',
    version: options.version ?? 1,
    partitions: options.partitions ?? 4,
    sources: [ledger],
    indexes: { owner: 'string', balance: 'number' },
    documentId: (event) => event.streamId,
    evolve: (doc: Balance | null, event): Balance | null => {
      switch (event.type) {
        case 'Opened':
          return { owner: event.data.owner, balance: 0, deposits: 0, seen: [event.streamVersion] };
        case 'Deposited':
          return (
            doc && {
              ...doc,
              balance: doc.balance + event.data.amount,
              deposits: doc.deposits + 1,
              seen: [...doc.seen, event.streamVersion],
            }
          );
        case 'Closed':
          return null;
      }
    },
  });

/** The same read model written with per-type handlers (patch and upsert operations). */
export const owners = (options: { partitions?: number; failOn?: (amount: number) => boolean } = {}) =>
  defineProjection({
    name: 'owners',
    partitions: options.partitions ?? 4,
    sources: [ledger],
    indexes: { owner: 'string', last: 'number' },
    handlers: {
      Opened: (event) => upsert(event.streamId, { owner: event.data.owner, last: 0 }),
      Deposited: (event) => {
        if (options.failOn?.(event.data.amount)) throw new Error(`refusing ${event.data.amount}`);
        return patch(event.streamId, { last: event.data.amount });
      },
    },
  });

/** Appends `streams` accounts with `deposits` deposits each, interleaved across streams. */
export async function seedLedger(
  store: EventStore,
  options: { streams: number; deposits: number; prefix?: string; amount?: (stream: number, n: number) => number },
): Promise<number> {
  const prefix = options.prefix ?? 'ledger';
  let position = 0;
  for (let stream = 0; stream < options.streams; stream += 1) {
    const result = await store.appendToStream(`${prefix}-${stream}`, [
      { type: 'Opened', data: { owner: `o${stream % 7}` }, schemaVersion: 1 },
    ]);
    position = result.position;
  }
  for (let n = 1; n <= options.deposits; n += 1) {
    for (let stream = 0; stream < options.streams; stream += 1) {
      const amount = options.amount?.(stream, n) ?? n;
      // Odd deposits are written at schema v1 (string amount) to exercise the upcaster.
      const event =
        n % 2 === 1
          ? { type: 'Deposited', data: { amount: String(amount) }, schemaVersion: 1 }
          : { type: 'Deposited', data: { amount }, schemaVersion: 2 };
      position = (await store.appendToStream(`${prefix}-${stream}`, [event])).position;
    }
  }
  return position;
}
