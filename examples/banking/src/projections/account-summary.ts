import { defineProjection } from '@ordo/projections';
import { z } from 'zod';
import { account } from '../domain/account.js';

export const accountSummaryDocument = z.object({
  accountId: z.string(),
  owner: z.string(),
  currency: z.string(),
  balance: z.number().int(),
  overdraftLimit: z.number().int(),
  status: z.enum(['open', 'frozen', 'closed']),
  version: z.number().int(),
  openedAt: z.string(),
  updatedAt: z.string(),
});
export type AccountSummary = z.infer<typeof accountSummaryDocument>;

/** One document per account: balance, status and the stream version it reflects. */
export const accountSummaries = defineProjection({
  name: 'accounts',
  partitions: 4,
  sources: [account],
  document: accountSummaryDocument,
  indexes: { owner: 'string', status: 'string', currency: 'string', balance: 'number' },
  documentId: (event) => event.streamId.slice(account.streamPrefix.length + 1),
  evolve: (doc: AccountSummary | null, event): AccountSummary | null => {
    const touched = { version: event.streamVersion, updatedAt: event.timestamp };
    switch (event.type) {
      case 'AccountOpened':
        return {
          accountId: event.streamId.slice(account.streamPrefix.length + 1),
          owner: event.data.owner,
          currency: event.data.currency,
          balance: 0,
          overdraftLimit: event.data.overdraftLimit,
          status: 'open',
          openedAt: event.timestamp,
          ...touched,
        };
      case 'MoneyDeposited':
      case 'MoneyWithdrawn':
        return doc && { ...doc, balance: event.data.balance, ...touched };
      case 'AccountFrozen':
        return doc && { ...doc, status: 'frozen', ...touched };
      case 'AccountUnfrozen':
        return doc && { ...doc, status: 'open', ...touched };
      case 'AccountClosed':
        return doc && { ...doc, status: 'closed', ...touched };
    }
  },
});
