import { describe, expect, it } from 'vitest';
import type { EventRecord } from './event-message.js';
import { recordBytes, splitRecords } from './split-records.js';

const record = (key: string, valueBytes: number): EventRecord => ({
  key,
  value: 'v'.repeat(valueBytes),
  headers: { 'ordo-id': key },
});

describe('recordBytes', () => {
  it('counts UTF-8 bytes of key, value and headers plus framing', () => {
    const plain = recordBytes({ key: 'k', value: 'ab', headers: {} });
    expect(recordBytes({ key: 'k', value: 'äb', headers: {} })).toBe(plain + 1);
    expect(recordBytes({ key: 'k', value: 'ab', headers: { h: 'x' } })).toBeGreaterThan(plain + 2);
  });
});

describe('splitRecords', () => {
  it('keeps order and never lets a group exceed the budget', () => {
    const records = Array.from({ length: 10 }, (_, i) => record(`s-${i}`, 300));
    const budget = recordBytes(records[0] as EventRecord) * 3;
    const groups = splitRecords(records, budget);
    expect(groups.map((g) => g.length)).toEqual([3, 3, 3, 1]);
    expect(groups.flat()).toEqual(records);
    for (const group of groups) expect(group.reduce((sum, r) => sum + recordBytes(r), 0)).toBeLessThanOrEqual(budget);
  });

  it('sends a record larger than the budget alone', () => {
    const groups = splitRecords([record('a', 10), record('big', 5000), record('b', 10)], 1000);
    expect(groups.map((g) => g.map((r) => r.key))).toEqual([['a'], ['big'], ['b']]);
  });

  it('returns no groups for no records', () => {
    expect(splitRecords([], 1000)).toEqual([]);
  });
});
