import { describe, expect, it } from 'vitest';
import { backoffDelay } from './retry.js';

describe('backoffDelay', () => {
  const options = { initialDelayMs: 10, maxDelayMs: 300 };

  it('doubles the ceiling each attempt up to the maximum', () => {
    const ceiling = (attempt: number) => backoffDelay(attempt, options, () => 0.999_999);
    expect([0, 1, 2, 3, 4, 5, 10].map(ceiling)).toEqual([9, 19, 39, 79, 159, 299, 299]);
  });

  it('spreads retries with jitter down to zero', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, options)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
