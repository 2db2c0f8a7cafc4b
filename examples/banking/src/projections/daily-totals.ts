import { defineProjection } from '@ordo/projections';
import { z } from 'zod';
import { account } from '../domain/account.js';

export const dailyTotalDocument = z.object({
  day: z.string(),
  currency: z.string(),
  deposited: z.number().int(),
  withdrawn: z.number().int(),
  movements: z.number().int(),
});
export type DailyTotal = z.infer<typeof dailyTotalDocument>;

const currencyOf = (data: unknown) => (data as { currency?: unknown }).currency;

/**
 * Money in and out per day and currency. Many accounts feed one document, so the partition key
 * is the currency: every event of a document is then applied by the same partition, in order.
 */
export const dailyTotals = defineProjection({
  name: 'daily_totals',
  partitions: 2,
  sources: [account],
  document: dailyTotalDocument,
  indexes: { day: 'string', currency: 'string' },
  partitionKey: (event) => String(currencyOf(event.data) ?? event.streamId),
  documentId: (event) =>
    event.type === 'MoneyDeposited' || event.type === 'MoneyWithdrawn'
      ? `${event.timestamp.slice(0, 10)}:${event.data.currency}`
      : undefined,
  evolve: (doc: DailyTotal | null, event): DailyTotal | null => {
    if (event.type !== 'MoneyDeposited' && event.type !== 'MoneyWithdrawn') return doc;
    const total = doc ?? {
      day: event.timestamp.slice(0, 10),
      currency: event.data.currency,
      deposited: 0,
      withdrawn: 0,
      movements: 0,
    };
    return {
      ...total,
      deposited: total.deposited + (event.type === 'MoneyDeposited' ? event.data.amount : 0),
      withdrawn: total.withdrawn + (event.type === 'MoneyWithdrawn' ? event.data.amount : 0),
      movements: total.movements + 1,
    };
  },
});
