import { describe, expect, it } from 'vitest';
import { revisionOfVersion, toExpectedRevision, versionOfRevision } from './expected-revision.js';

describe('toExpectedRevision', () => {
  it('maps 1-based Ordo versions to 0-based ESDB revisions', () => {
    expect(toExpectedRevision(1)).toBe(0n);
    expect(toExpectedRevision(42)).toBe(41n);
  });

  it("maps version 0 and 'no_stream' to NO_STREAM and keeps 'stream_exists' and 'any'", () => {
    expect(toExpectedRevision(0)).toBe('no_stream');
    expect(toExpectedRevision('no_stream')).toBe('no_stream');
    expect(toExpectedRevision('stream_exists')).toBe('stream_exists');
    expect(toExpectedRevision('any')).toBe('any');
  });

  it('rejects negative, fractional and unsafe versions', () => {
    expect(() => toExpectedRevision(-1)).toThrow(RangeError);
    expect(() => toExpectedRevision(1.5)).toThrow(RangeError);
    expect(() => toExpectedRevision(2 ** 60)).toThrow(RangeError);
  });
});

describe('versionOfRevision', () => {
  it('maps a current revision back to the Ordo version and no stream to 0', () => {
    expect(versionOfRevision(0n)).toBe(1);
    expect(versionOfRevision(9n)).toBe(10);
    expect(versionOfRevision('no_stream')).toBe(0);
    expect(versionOfRevision(-1n)).toBe(0);
  });

  it('reports an unknown shape as unknown rather than guessing', () => {
    expect(versionOfRevision(undefined)).toBeUndefined();
    expect(versionOfRevision('any')).toBeUndefined();
  });
});

describe('revisionOfVersion', () => {
  it('addresses version v at revision v - 1 and clamps below version 1', () => {
    expect(revisionOfVersion(3)).toBe(2n);
    expect(revisionOfVersion(0)).toBe(0n);
  });
});
