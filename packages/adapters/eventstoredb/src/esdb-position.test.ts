import { describe, expect, it } from 'vitest';
import { EsdbPositionError, EsdbSharedPositionError } from './errors.js';
import { assertOwnCommitPosition, readPositionAfter, resumeFrom, toOrdoPosition } from './esdb-position.js';

describe('toOrdoPosition', () => {
  it('uses the commit position, which is distinct per event of a batch', () => {
    // Two events of one batch as an older server reports them: shared prepare, own commit positions.
    const first = toOrdoPosition({ commit: 1_000n, prepare: 1_000n });
    const second = toOrdoPosition({ commit: 1_180n, prepare: 1_000n });
    expect(second).toBeGreaterThan(first);
  });

  it('refuses positions beyond Number.MAX_SAFE_INTEGER and the "no position" marker', () => {
    expect(() => toOrdoPosition({ commit: 2n ** 53n, prepare: 0n })).toThrow(EsdbPositionError);
    expect(() => toOrdoPosition({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n })).toThrow(EsdbPositionError);
    expect(toOrdoPosition({ commit: BigInt(Number.MAX_SAFE_INTEGER), prepare: 0n })).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('readPositionAfter', () => {
  it('starts at the beginning of $all for no position or 0', () => {
    expect(readPositionAfter(undefined)).toBe('start');
    expect(readPositionAfter(0)).toBe('start');
  });

  it('starts at the exact log position of the last processed event', () => {
    expect(readPositionAfter(4_242)).toEqual({ commit: 4_242n, prepare: 4_242n });
  });

  it('rejects a position that is not a safe integer', () => {
    expect(() => readPositionAfter(1.5)).toThrow(RangeError);
  });
});

describe('assertOwnCommitPosition', () => {
  it('passes a re-delivered event and refuses a second record at the same commit position', () => {
    // An explicit transaction's events: one commit record, each event its own prepare position.
    expect(() =>
      assertOwnCommitPosition({ commit: 900n, prepare: 900n }, { commit: 900n, prepare: 900n }),
    ).not.toThrow();
    expect(() => assertOwnCommitPosition({ commit: 900n, prepare: 100n }, { commit: 900n, prepare: 250n })).toThrow(
      EsdbSharedPositionError,
    );
  });
});

describe('resumeFrom', () => {
  it("reads on from the last record's own position when it is the cursor's, else from (cursor, cursor)", () => {
    expect(resumeFrom({ commit: 900n, prepare: 100n }, 900)).toEqual({ commit: 900n, prepare: 100n });
    expect(resumeFrom({ commit: 900n, prepare: 100n }, 950)).toEqual({ commit: 950n, prepare: 950n });
    expect(resumeFrom(undefined, 0)).toBe('start');
  });
});
