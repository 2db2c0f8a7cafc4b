import { aggregateSpec } from '@ordo/core/testing';
import { describe, expect, it } from 'vitest';
import { account } from './account.js';

const opened = { type: 'AccountOpened', data: { owner: 'Ada', currency: 'EUR', overdraftLimit: 500 } } as const;
const deposited = (amount: number, balance: number) =>
  ({ type: 'MoneyDeposited', data: { amount, currency: 'EUR', balance } }) as const;

describe('Account', () => {
  const spec = aggregateSpec(account);

  it('opens with an owner and a currency', () => {
    spec
      .given([])
      .when({ type: 'OpenAccount', data: { owner: ' Ada ', currency: 'EUR' } })
      .thenEvents([{ type: 'AccountOpened', data: { owner: 'Ada', currency: 'EUR', overdraftLimit: 0 } }]);
  });

  it('refuses to open twice', () => {
    spec
      .given([opened])
      .when({ type: 'OpenAccount', data: { owner: 'Bob', currency: 'EUR' } })
      .thenThrows('ACCOUNT_EXISTS');
  });

  it('records the running balance on deposits and withdrawals', () => {
    spec
      .given([opened, deposited(1000, 1000)])
      .when({ type: 'Withdraw', data: { amount: 1200, currency: 'EUR' } })
      .thenEvents([{ type: 'MoneyWithdrawn', data: { amount: 1200, currency: 'EUR', balance: -200 } }]);
  });

  it('rejects a withdrawal beyond the overdraft limit', () => {
    spec
      .given([opened])
      .when({ type: 'Withdraw', data: { amount: 501, currency: 'EUR' } })
      .thenThrows('INSUFFICIENT_FUNDS');
  });

  it('rejects money in another currency', () => {
    spec
      .given([opened])
      .when({ type: 'Deposit', data: { amount: 1, currency: 'USD' } })
      .thenThrows('CURRENCY_MISMATCH');
  });

  it('rejects amounts that are not positive integers of minor units', () => {
    for (const amount of [0, -5, 1.5]) {
      spec
        .given([opened])
        .when({ type: 'Deposit', data: { amount, currency: 'EUR' } })
        .thenThrows('INVALID_COMMAND');
    }
  });

  it('blocks money movements while frozen and resumes after unfreezing', () => {
    const frozen = { type: 'AccountFrozen', data: { reason: 'fraud check' } } as const;
    spec
      .given([opened, frozen])
      .when({ type: 'Deposit', data: { amount: 1, currency: 'EUR' } })
      .thenThrows('ACCOUNT_FROZEN');
    spec
      .given([opened, frozen])
      .when({ type: 'Freeze', data: { reason: 'again' } })
      .thenNothing();
    const unfrozen = spec.given([opened, frozen]).when({ type: 'Unfreeze', data: {} });
    unfrozen.thenEvents([{ type: 'AccountUnfrozen', data: {} }]);
    expect(unfrozen.state().status).toBe('open');
  });

  it('closes only at a zero balance, and then refuses everything', () => {
    spec
      .given([opened, deposited(10, 10)])
      .when({ type: 'CloseAccount', data: {} })
      .thenThrows('BALANCE_NOT_ZERO');
    spec
      .given([opened])
      .when({ type: 'CloseAccount', data: {} })
      .thenEvents([{ type: 'AccountClosed', data: {} }]);
    spec
      .given([opened, { type: 'AccountClosed', data: {} }])
      .when({ type: 'Deposit', data: { amount: 1, currency: 'EUR' } })
      .thenThrows('ACCOUNT_CLOSED');
  });

  it('refuses commands on an account that was never opened', () => {
    spec
      .given([])
      .when({ type: 'Deposit', data: { amount: 1, currency: 'EUR' } })
      .thenThrows('ACCOUNT_NOT_FOUND');
  });
});
