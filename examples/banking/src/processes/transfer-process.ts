import { defineProcessManager } from '@ordo/projections';
import { z } from 'zod';
import { account } from '../domain/account.js';
import { transfer } from '../domain/transfer.js';

const transferData = z.object({
  transferId: z.string(),
  from: z.string(),
  to: z.string(),
  amount: z.number().int(),
  currency: z.string(),
});
type TransferData = z.infer<typeof transferData>;

/** A money movement on one account, tagged with the transfer it belongs to. */
const move = (type: 'Withdraw' | 'Deposit', accountId: string, data: TransferData) =>
  ({
    target: 'accounts',
    id: accountId,
    command: { type, data: { amount: data.amount, currency: data.currency, transferId: data.transferId } },
  }) as const;

/**
 * Debit the source, then credit the target; if the credit is rejected (a closed or frozen target,
 * another currency), refund the source. Status documents are served at `GET /transfers/:id`.
 */
export const transferProcess = defineProcessManager({
  name: 'transfers',
  partitions: 4,
  sources: [transfer],
  targets: { accounts: account },
  data: transferData,
  startedBy: {
    TransferRequested: (event) => {
      const transferId = event.streamId.slice(transfer.streamPrefix.length + 1);
      return { processId: transferId, data: { transferId, ...event.data } };
    },
  },
  steps: [
    {
      name: 'debit',
      command: (data) => move('Withdraw', data.from, data),
      compensate: (data) => move('Deposit', data.from, data),
    },
    {
      name: 'credit',
      command: (data) => move('Deposit', data.to, data),
    },
  ],
});
