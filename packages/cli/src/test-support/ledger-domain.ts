import { DomainError, defineAggregate } from '@ordo/core';
import { defineProjection, upsert } from '@ordo/projections';
import { z } from 'zod';

/** A small ledger for the CLI's tests; `Deposited` v1 stored `cents`, v2 calls it `amount`. */
export const ledger = defineAggregate({
  name: 'Ledger',
  commands: {
    Open: z.object({ owner: z.string() }),
    Deposit: z.object({ amount: z.number().int().positive() }),
  },
  events: {
    Opened: z.object({ owner: z.string() }),
    Deposited: z.object({ amount: z.number().int(), note: z.string().optional() }),
  },
  upcasters: { Deposited: { 1: (data) => ({ amount: (data as { cents: number }).cents }) } },
  initialState: () => ({ owner: '', balance: 0 }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'Opened':
        return { ...state, owner: event.data.owner };
      case 'Deposited':
        return { ...state, balance: state.balance + event.data.amount };
    }
  },
  decide: (command, state) => {
    if (command.type === 'Open') return { type: 'Opened', data: command.data };
    if (state.owner === '') throw new DomainError('NOT_OPEN');
    return { type: 'Deposited', data: command.data };
  },
});

type Balance = { owner: string; balance: number };

// Spins per event when ORDO_TEST_SLOW_MS is set, so a rebuild lasts long enough to interrupt.
const slowMs = Number(process.env.ORDO_TEST_SLOW_MS ?? 0);
const spin = () => {
  const until = performance.now() + slowMs;
  while (performance.now() < until) {}
};

/** One document per ledger; 3 partitions so lag shows per partition. */
export const balances = defineProjection({
  name: 'balances',
  partitions: 3,
  sources: [ledger],
  indexes: { balance: 'number' },
  documentId: (event) => event.streamId,
  evolve: (doc: Balance | null, event): Balance | null => {
    if (slowMs > 0) spin();
    if (event.type === 'Opened') return { owner: event.data.owner, balance: 0 };
    return doc && { ...doc, balance: doc.balance + event.data.amount };
  },
});

/** Fails on deposits noted "poison" while ORDO_TEST_POISON=1: the test "fixes the bug" by unsetting it. */
export const deposits = defineProjection({
  name: 'deposits',
  partitions: 2,
  sources: [ledger],
  handlers: {
    Deposited: (event) => {
      if (process.env.ORDO_TEST_POISON === '1' && event.data.note === 'poison') throw new Error('poisoned deposit');
      return upsert(`${event.streamId}@${event.streamVersion}`, { amount: event.data.amount });
    },
  },
});
