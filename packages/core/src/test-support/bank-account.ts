import { z } from 'zod';
import { defineAggregate } from '../aggregate.js';
import { DomainError } from '../errors.js';

const amount = z.number().int().positive();

/** A small account aggregate shared by core's tests. */
export const bankAccount = defineAggregate({
  name: 'Account',
  stateVersion: 1,
  commands: {
    Open: z.object({ owner: z.string().min(1), overdraftLimit: z.number().int().nonnegative().default(0) }),
    Deposit: z.object({ amount }),
    Withdraw: z.object({ amount }),
    Ping: z.object({}),
  },
  events: {
    AccountOpened: z.object({ owner: z.string(), overdraftLimit: z.number().int() }),
    MoneyDeposited: z.object({ amount: z.number().int(), currency: z.string() }),
    MoneyWithdrawn: z.object({ amount: z.number().int() }),
  },
  upcasters: {
    // v1 stored the amount as a decimal string; v2 added the currency.
    MoneyDeposited: {
      1: (data) => ({ amount: Math.round(Number((data as { amount: string }).amount) * 100) }),
      2: (data) => ({ ...(data as object), currency: 'EUR' }),
    },
  },
  initialState: () => ({ open: false, balance: 0, overdraftLimit: 0, deposits: 0 }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'AccountOpened':
        state.open = true;
        state.overdraftLimit = event.data.overdraftLimit;
        return state;
      case 'MoneyDeposited':
        state.balance += event.data.amount;
        state.deposits += 1;
        return state;
      case 'MoneyWithdrawn':
        state.balance -= event.data.amount;
        return state;
    }
  },
  decide: (command, state) => {
    if (command.type === 'Open') {
      if (state.open) throw new DomainError('ACCOUNT_ALREADY_OPEN');
      return { type: 'AccountOpened', data: command.data };
    }
    if (!state.open) throw new DomainError('ACCOUNT_NOT_OPEN', 'Open the account first');
    switch (command.type) {
      case 'Deposit':
        return { type: 'MoneyDeposited', data: { amount: command.data.amount, currency: 'EUR' } };
      case 'Withdraw':
        if (state.balance - command.data.amount < -state.overdraftLimit) {
          throw new DomainError('INSUFFICIENT_FUNDS', 'Withdrawal exceeds the overdraft limit', {
            balance: state.balance,
          });
        }
        return [{ type: 'MoneyWithdrawn', data: { amount: command.data.amount } }];
      case 'Ping':
        return [];
    }
  },
});
