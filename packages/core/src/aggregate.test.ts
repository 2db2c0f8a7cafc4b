import { describe, expect, it } from 'vitest';
import { CommandValidationError } from './errors.js';
import { bankAccount } from './test-support/bank-account.js';
import { aggregateSpec } from './testing/aggregate-spec.js';

const opened = { type: 'AccountOpened', data: { owner: 'ada', overdraftLimit: 100 } } as const;

describe('Account aggregate (given/when/then)', () => {
  const spec = aggregateSpec(bankAccount);

  it('opens an account, applying schema defaults', () => {
    spec
      .given([])
      .when({ type: 'Open', data: { owner: 'ada' } })
      .thenEvents([{ type: 'AccountOpened', data: { owner: 'ada', overdraftLimit: 0 } }]);
  });

  it('rejects a withdrawal beyond the overdraft limit with its code', () => {
    spec
      .given([opened])
      .when({ type: 'Withdraw', data: { amount: 101 } })
      .thenThrows('INSUFFICIENT_FUNDS');
  });

  it('accepts a withdrawal within the overdraft limit', () => {
    const when = spec.given([opened]).when({ type: 'Withdraw', data: { amount: 100 } });
    when.thenEvents([{ type: 'MoneyWithdrawn', data: { amount: 100 } }]);
    expect(when.state().balance).toBe(-100);
  });

  it('produces nothing for a command with no effect', () => {
    spec.given([opened]).when({ type: 'Ping', data: {} }).thenNothing();
  });

  it('upcasts given events stored at an old schema version', () => {
    const oldDeposit = { type: 'MoneyDeposited', data: { amount: '1.50' }, schemaVersion: 1 } as never;
    expect(spec.given([opened, oldDeposit]).when({ type: 'Ping', data: {} }).state().balance).toBe(150);
  });

  it('surfaces the zod issues of an invalid command payload', () => {
    spec
      .given([opened])
      .when({ type: 'Deposit', data: { amount: -5 } })
      .thenThrows('INVALID_COMMAND');
    try {
      bankAccount.parseCommand({ type: 'Deposit', data: { amount: 'ten' } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CommandValidationError);
      expect((error as CommandValidationError).issues[0]).toMatchObject({ path: ['amount'], code: 'invalid_type' });
    }
  });

  it('rejects an unknown command type, including inherited property names', () => {
    expect(() => bankAccount.parseCommand({ type: 'Steal', data: {} })).toThrow(CommandValidationError);
    expect(() => bankAccount.parseCommand({ type: 'constructor', data: {} })).toThrow(CommandValidationError);
  });

  it('fails a spec whose expectation is wrong', () => {
    expect(() =>
      spec
        .given([])
        .when({ type: 'Open', data: { owner: 'ada' } })
        .thenNothing(),
    ).toThrow();
    expect(() =>
      spec
        .given([opened])
        .when({ type: 'Deposit', data: { amount: 1 } })
        .thenThrows('X'),
    ).toThrow(/Expected the command to be rejected with X/);
  });
});
