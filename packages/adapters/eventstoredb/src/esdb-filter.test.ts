import { describe, expect, it } from 'vitest';
import { toServerFilter } from './esdb-filter.js';

describe('toServerFilter', () => {
  it('pushes stream prefixes down as a stream-name prefix filter', () => {
    expect(toServerFilter({ streamIdPrefixes: ['account-'], eventTypes: ['A'] })).toEqual({
      filterOn: 'streamName',
      prefixes: ['account-'],
      checkpointInterval: 1,
      maxSearchWindow: 32,
    });
  });

  it('asks for a checkpoint every N considered events, and refuses a cadence below 1', () => {
    expect(toServerFilter(undefined, 1)).toMatchObject({ checkpointInterval: 1, maxSearchWindow: 1 });
    expect(() => toServerFilter(undefined, 0)).toThrow(RangeError);
  });

  it('matches event types exactly, escaping regex syntax', () => {
    const filter = toServerFilter({ eventTypes: ['Money.Deposited', 'B'] });
    expect(filter).toMatchObject({ filterOn: 'eventType' });
    const regex = new RegExp((filter as { regex: string }).regex);
    expect(regex.test('Money.Deposited')).toBe(true);
    expect(regex.test('MoneyXDeposited')).toBe(false);
    expect(regex.test('Money.DepositedLater')).toBe(false);
    expect(regex.test('B')).toBe(true);
  });

  it('excludes system events when nothing is filtered, so checkpoints still flow', () => {
    const regex = new RegExp((toServerFilter(undefined) as { regex: string }).regex);
    expect(regex.test('$statsCollected')).toBe(false);
    expect(regex.test('MoneyDeposited')).toBe(true);
  });
});
