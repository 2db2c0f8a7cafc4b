import { describe, expect, it } from 'vitest';
import { snapshotEvery } from './snapshot-policy.js';

describe('snapshotEvery', () => {
  const every100 = snapshotEvery(100);
  const at = (streamVersion: number, snapshotVersion: number) =>
    every100({ streamVersion, snapshotVersion, state: {} });

  it('asks for a snapshot when a batch crosses a multiple of N', () => {
    expect(at(99, 0)).toBe(false);
    expect(at(100, 0)).toBe(true);
    expect(at(103, 98)).toBe(true);
    expect(at(199, 100)).toBe(false);
  });

  it('asks again after a snapshot that failed to be written', () => {
    expect(at(101, 0)).toBe(true);
  });

  it('rejects a non-positive interval', () => {
    expect(() => snapshotEvery(0)).toThrow(RangeError);
  });
});
