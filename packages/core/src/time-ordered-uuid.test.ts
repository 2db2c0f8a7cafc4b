import { describe, expect, it } from 'vitest';
import { timeOrderedUuid } from './time-ordered-uuid.js';

describe('timeOrderedUuid', () => {
  it('formats an RFC 9562 version 7 uuid with the timestamp in front', () => {
    const id = timeOrderedUuid(0x0190_1234_5678);
    expect(id).toMatch(/^01901234-5678-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Past several refills of the random pool, every id keeps the layout and the variant bits.
    for (let i = 0; i < 2000; i += 1) {
      expect(timeOrderedUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('sorts ids generated in order, also within one millisecond and when the clock steps back', () => {
    const base = Date.now() + 60_000;
    const ids = [
      ...Array.from({ length: 5000 }, () => timeOrderedUuid(base)),
      timeOrderedUuid(base - 10_000),
      timeOrderedUuid(base + 1),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
