import { defineProjection, upsert } from '@ordo/projections';
import { z } from 'zod';
import { account } from '../domain/account.js';

export const transactionDocument = z.object({
  accountId: z.string(),
  kind: z.enum(['deposit', 'withdrawal']),
  amount: z.number().int(),
  currency: z.string(),
  balanceAfter: z.number().int(),
  transferId: z.string().optional(),
  version: z.number().int(),
  at: z.string(),
});
export type Transaction = z.infer<typeof transactionDocument>;

/** One document per money movement, queried per account and paged by version. */
export const transactionHistory = defineProjection({
  name: 'transactions',
  partitions: 4,
  sources: [account],
  document: transactionDocument,
  indexes: { accountId: 'string', kind: 'string', version: 'number', at: 'string' },
  handlers: {
    MoneyDeposited: (event) => upsert(`${event.streamId}:${event.streamVersion}`, movement(event, 'deposit')),
    MoneyWithdrawn: (event) => upsert(`${event.streamId}:${event.streamVersion}`, movement(event, 'withdrawal')),
  },
});

function movement(
  event: {
    streamId: string;
    streamVersion: number;
    timestamp: string;
    data: { amount: number; currency: string; balance: number; transferId?: string | undefined };
  },
  kind: Transaction['kind'],
): Transaction {
  return {
    accountId: event.streamId.slice(account.streamPrefix.length + 1),
    kind,
    amount: event.data.amount,
    currency: event.data.currency,
    balanceAfter: event.data.balance,
    ...(event.data.transferId === undefined ? {} : { transferId: event.data.transferId }),
    version: event.streamVersion,
    at: event.timestamp,
  };
}
