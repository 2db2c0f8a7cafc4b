import { defineAggregate } from '@ordo/core';
import { defineProjection, patch, upsert } from '@ordo/projections';
import { z } from 'zod';

/** A small ledger and two projections over it (document-level and handler form), for crash tests. */
export const ledger = defineAggregate({
  name: 'Ledger',
  commands: { Noop: z.object({}) },
  events: {
    Opened: z.object({ owner: z.string() }),
    Deposited: z.object({ amount: z.number().int() }),
  },
  initialState: () => ({}),
  evolve: (state) => state,
  decide: () => [],
});

export interface Balance extends Record<string, unknown> {
  readonly owner: string;
  readonly balance: number;
  readonly versions: string;
}

export const balances = defineProjection({
  name: 'balances',
  partitions: 4,
  sources: [ledger],
  indexes: { owner: 'string', balance: 'number' },
  documentId: (event) => event.streamId,
  evolve: (doc: Balance | null, event): Balance | null => {
    if (event.type === 'Opened') return { owner: event.data.owner, balance: 0, versions: '1' };
    if (doc === null) return null;
    // The version trail proves each stream was applied once, in order.
    return { ...doc, balance: doc.balance + event.data.amount, versions: `${doc.versions},${event.streamVersion}` };
  },
});

export const lastDeposits = defineProjection({
  name: 'last_deposits',
  partitions: 3,
  sources: [ledger],
  handlers: {
    Opened: (event) => upsert(event.streamId, { owner: event.data.owner, last: 0, count: 0 }),
    Deposited: (event) => patch(event.streamId, { last: event.data.amount, at: event.position }),
  },
});
