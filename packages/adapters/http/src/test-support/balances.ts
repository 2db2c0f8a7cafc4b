import { defineProjection } from '@ordo/projections';
import { z } from 'zod';
import { account } from './account.js';

/** Lets a test make the projection fail on chosen amounts, then heal it. */
export const poison = { amounts: new Set<number>() };

const balance = z.object({ owner: z.string(), balance: z.number() });

/** Balances per account, partitioned over 4 partitions, queryable by owner and balance. */
export const balances = defineProjection({
  name: 'balances',
  partitions: 4,
  sources: [account],
  indexes: { owner: 'string', balance: 'number' },
  document: balance,
  documentId: (event) => event.streamId.slice('account-'.length),
  evolve: (doc: z.infer<typeof balance> | null, event) => {
    switch (event.type) {
      case 'AccountOpened':
        return { owner: event.data.owner, balance: 0 };
      case 'MoneyDeposited':
        if (poison.amounts.has(event.data.amount)) throw new Error(`poisoned amount ${event.data.amount}`);
        return doc && { ...doc, balance: doc.balance + event.data.amount };
      case 'MoneyWithdrawn':
        return doc && { ...doc, balance: doc.balance - event.data.amount };
    }
  },
});
