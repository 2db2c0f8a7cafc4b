import { MongoNetworkError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { retryDuplicateKey } from './retry-duplicate-key.js';

const duplicate = () => new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 });

describe('retryDuplicateKey', () => {
  it('runs the upsert once more after losing an insert race', async () => {
    const outcomes = [duplicate(), undefined];
    let calls = 0;
    await retryDuplicateKey(async () => {
      const outcome = outcomes[calls++];
      if (outcome !== undefined) throw outcome;
    });
    expect(calls).toBe(2);
  });

  it('gives up after the second duplicate key, and never retries other errors', async () => {
    let calls = 0;
    await expect(
      retryDuplicateKey(async () => {
        calls += 1;
        throw duplicate();
      }),
    ).rejects.toMatchObject({ code: 11000 });
    expect(calls).toBe(2);
    calls = 0;
    await expect(
      retryDuplicateKey(async () => {
        calls += 1;
        throw new MongoNetworkError('connection reset');
      }),
    ).rejects.toBeInstanceOf(MongoNetworkError);
    expect(calls).toBe(1);
  });
});
