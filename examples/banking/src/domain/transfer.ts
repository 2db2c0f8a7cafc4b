import { DomainError, defineAggregate } from '@ordo/core';
import { z } from 'zod';
import { currency, minorUnits } from './money.js';

const accountId = z.string().min(1).max(100);

/** A request to move money between two accounts; the transfer process carries it out. */
export const transfer = defineAggregate({
  name: 'Transfer',
  commands: {
    RequestTransfer: z.object({ from: accountId, to: accountId, amount: minorUnits, currency }),
  },
  events: {
    TransferRequested: z.object({ from: z.string(), to: z.string(), amount: minorUnits, currency }),
  },
  initialState: () => ({ requested: false }),
  evolve: () => ({ requested: true }),
  decide: (command, state) => {
    if (state.requested) throw new DomainError('TRANSFER_EXISTS', 'This transfer id was already used');
    if (command.data.from === command.data.to) throw new DomainError('SAME_ACCOUNT', 'Choose two different accounts');
    return { type: 'TransferRequested', data: command.data };
  },
});
