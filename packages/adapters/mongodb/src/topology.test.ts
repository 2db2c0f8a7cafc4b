import { describe, expect, it } from 'vitest';
import { supportsTransactions } from './topology.js';

describe('supportsTransactions', () => {
  it('is true for a replica set member and a mongos router', () => {
    expect(supportsTransactions({ isWritablePrimary: true, setName: 'rs0' })).toBe(true);
    expect(supportsTransactions({ ismaster: true, msg: 'isdbgrid' })).toBe(true);
  });

  it('is false for a standalone server', () => {
    expect(supportsTransactions({ isWritablePrimary: true, maxWireVersion: 21 })).toBe(false);
  });
});
