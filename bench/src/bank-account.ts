import { DomainError, defineAggregate } from '@ordo/core';
import { z } from 'zod';

/** The account every workload uses; `evolve` mutates, as a performance-minded user would write it. */
export const account = defineAggregate({
  name: 'Account',
  commands: {
    Deposit: z.object({ amount: z.number().int().positive() }),
    Withdraw: z.object({ amount: z.number().int().positive() }),
  },
  events: {
    MoneyDeposited: z.object({ amount: z.number().int() }),
    MoneyWithdrawn: z.object({ amount: z.number().int() }),
  },
  initialState: () => ({ balance: 0, transactions: 0 }),
  evolve: (state, event) => {
    state.balance += event.type === 'MoneyDeposited' ? event.data.amount : -event.data.amount;
    state.transactions += 1;
    return state;
  },
  decide: (command, state) => {
    if (command.type === 'Withdraw' && state.balance < command.data.amount) throw new DomainError('INSUFFICIENT_FUNDS');
    return command.type === 'Deposit'
      ? { type: 'MoneyDeposited', data: { amount: command.data.amount } }
      : { type: 'MoneyWithdrawn', data: { amount: command.data.amount } };
  },
});

export type AccountState = ReturnType<typeof account.initialState>;

/** Emmett's evolve for the same account, so both sides fold the same events the same way. */
export function peerEvolve(state: AccountState, event: { type: string; data: { amount: number } }): AccountState {
  state.balance += event.type === 'MoneyDeposited' ? event.data.amount : -event.data.amount;
  state.transactions += 1;
  return state;
}

export const depositEvent = (i: number) => ({ type: 'MoneyDeposited', data: { amount: (i % 100) + 1 } }) as const;
