import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { isDuplicateKey, isOnlyStaleUpserts } from './mongo-errors.js';

const writeError = (code: number) => ({ code, index: 0, errmsg: `E${code}` });

describe('isOnlyStaleUpserts', () => {
  it('accepts a bulk failure made only of duplicate-key errors (guarded upserts behind newer documents)', () => {
    expect(isOnlyStaleUpserts({ writeErrors: [writeError(11000), writeError(11000)] })).toBe(true);
    expect(isOnlyStaleUpserts({ writeErrors: writeError(11000) })).toBe(true);
    expect(isOnlyStaleUpserts(new MongoServerError({ message: 'dup', code: 11000 }))).toBe(true);
  });

  it('rejects any other write error, a write concern error, or a non-error', () => {
    expect(isOnlyStaleUpserts({ writeErrors: [writeError(11000), writeError(121)] })).toBe(false);
    expect(isOnlyStaleUpserts({ writeErrors: [writeError(11000)], err: { code: 64 } })).toBe(false);
    expect(isOnlyStaleUpserts({ writeErrors: [] })).toBe(false);
    expect(isOnlyStaleUpserts(new MongoServerError({ message: 'down', code: 91 }))).toBe(false);
    expect(isOnlyStaleUpserts(undefined)).toBe(false);
  });
});

describe('isDuplicateKey', () => {
  it('recognises E11000 only', () => {
    expect(isDuplicateKey(new MongoServerError({ message: 'dup', code: 11000 }))).toBe(true);
    expect(isDuplicateKey(new Error('x'))).toBe(false);
  });
});
