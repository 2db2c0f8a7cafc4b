import { DomainError, defineAggregate, entityIdSchema } from '@ordo/core';
import { z } from 'zod';
import { currency, minorUnits } from './money.js';

/** A request to move money between two accounts; the transfer process carries it out. */
export const transfer = defineAggregate({
  name: 'Transfer',
  commands: {
    RequestTransfer: z.object({ from: entityIdSchema, to: entityIdSchema, amount: minorUnits, currency }),
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
