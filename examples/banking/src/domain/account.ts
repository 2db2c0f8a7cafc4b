import { DomainError, defineAggregate } from '@ordo/core';
import { z } from 'zod';
import { currency, minorUnits, money } from './money.js';

const transferRef = { transferId: z.string().min(1).optional() };

/**
 * A bank account: opened for an owner in one currency, then deposits and withdrawals within an
 * overdraft limit; it can be frozen, and closed only at a zero balance.
 */
export const account = defineAggregate({
  name: 'Account',
  stateVersion: 1,
  commands: {
    OpenAccount: z.object({
      owner: z.string().trim().min(1).max(200),
      currency,
      overdraftLimit: z.number().int().nonnegative().default(0),
    }),
    Deposit: money.extend(transferRef),
    Withdraw: money.extend(transferRef),
    Freeze: z.object({ reason: z.string().min(1).max(500) }),
    Unfreeze: z.object({}),
    CloseAccount: z.object({}),
  },
  events: {
    AccountOpened: z.object({ owner: z.string(), currency, overdraftLimit: z.number().int() }),
    MoneyDeposited: z.object({ amount: minorUnits, currency, balance: z.number().int(), ...transferRef }),
    MoneyWithdrawn: z.object({ amount: minorUnits, currency, balance: z.number().int(), ...transferRef }),
    AccountFrozen: z.object({ reason: z.string() }),
    AccountUnfrozen: z.object({}),
    AccountClosed: z.object({}),
  },
  initialState: () => ({
    status: 'new' as 'new' | 'open' | 'frozen' | 'closed',
    currency: '',
    balance: 0,
    overdraftLimit: 0,
  }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'AccountOpened':
        return {
          ...state,
          status: 'open' as const,
          currency: event.data.currency,
          overdraftLimit: event.data.overdraftLimit,
        };
      case 'MoneyDeposited':
      case 'MoneyWithdrawn':
        return { ...state, balance: event.data.balance };
      case 'AccountFrozen':
        return { ...state, status: 'frozen' as const };
      case 'AccountUnfrozen':
        return { ...state, status: 'open' as const };
      case 'AccountClosed':
        return { ...state, status: 'closed' as const };
    }
  },
  decide: (command, state) => {
    if (command.type === 'OpenAccount') {
      if (state.status !== 'new') throw new DomainError('ACCOUNT_EXISTS', 'This account is already open');
      return { type: 'AccountOpened', data: command.data };
    }
    if (state.status === 'new') throw new DomainError('ACCOUNT_NOT_FOUND', 'Open the account first');
    if (state.status === 'closed') throw new DomainError('ACCOUNT_CLOSED', 'The account is closed');
    switch (command.type) {
      case 'Deposit':
      case 'Withdraw': {
        if (state.status === 'frozen') throw new DomainError('ACCOUNT_FROZEN', 'The account is frozen');
        if (command.data.currency !== state.currency) {
          throw new DomainError('CURRENCY_MISMATCH', `This account holds ${state.currency}`, {
            accountCurrency: state.currency,
          });
        }
        const sign = command.type === 'Deposit' ? 1 : -1;
        const balance = state.balance + sign * command.data.amount;
        if (balance < -state.overdraftLimit) {
          throw new DomainError('INSUFFICIENT_FUNDS', 'The withdrawal exceeds the overdraft limit', {
            balance: state.balance,
            overdraftLimit: state.overdraftLimit,
          });
        }
        return {
          type: command.type === 'Deposit' ? 'MoneyDeposited' : 'MoneyWithdrawn',
          data: { ...command.data, balance },
        };
      }
      case 'Freeze':
        return state.status === 'frozen' ? [] : { type: 'AccountFrozen', data: command.data };
      case 'Unfreeze':
        return state.status === 'open' ? [] : { type: 'AccountUnfrozen', data: {} };
      case 'CloseAccount':
        if (state.balance !== 0) {
          throw new DomainError('BALANCE_NOT_ZERO', 'Only an account with a zero balance can be closed', {
            balance: state.balance,
          });
        }
        return { type: 'AccountClosed', data: {} };
    }
  },
});
