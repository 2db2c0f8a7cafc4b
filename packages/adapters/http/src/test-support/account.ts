import { DomainError, defineAggregate } from '@ordo/core';
import { z } from 'zod';

const amount = z.number().int().positive();

/** A small account aggregate for the HTTP tests. */
export const account = defineAggregate({
  name: 'Account',
  commands: {
    OpenAccount: z.object({ owner: z.string().min(1) }),
    Deposit: z.object({ amount }),
    Withdraw: z.object({ amount }),
    Explode: z.object({}),
  },
  events: {
    AccountOpened: z.object({ owner: z.string() }),
    MoneyDeposited: z.object({ amount: z.number().int() }),
    MoneyWithdrawn: z.object({ amount: z.number().int() }),
  },
  initialState: () => ({ open: false, balance: 0 }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'AccountOpened':
        return { open: true, balance: 0 };
      case 'MoneyDeposited':
        return { ...state, balance: state.balance + event.data.amount };
      case 'MoneyWithdrawn':
        return { ...state, balance: state.balance - event.data.amount };
    }
  },
  decide: (command, state) => {
    if (command.type === 'OpenAccount') {
      if (state.open) throw new DomainError('ACCOUNT_ALREADY_OPEN');
      return { type: 'AccountOpened', data: command.data };
    }
    if (!state.open) throw new DomainError('ACCOUNT_NOT_OPEN', 'Open the account first');
    switch (command.type) {
      case 'Deposit':
        return { type: 'MoneyDeposited', data: command.data };
      case 'Withdraw':
        if (command.data.amount > state.balance) {
          throw new DomainError('INSUFFICIENT_FUNDS', 'Not enough money', { balance: state.balance });
        }
        return { type: 'MoneyWithdrawn', data: command.data };
      case 'Explode':
        // Stands in for a bug: a plain Error whose message must never reach the client.
        throw new Error('secret database password is hunter2');
    }
  },
});
