import { describe, expect, it } from 'vitest';
import { pagedIterable } from './paged-iterable.js';
import { collect } from './test-support/collect.js';

describe('pagedIterable', () => {
  it('yields every item of every page in order, skipping empty pages, fetching lazily', async () => {
    const pages = [[1, 2], [], [3]];
    let fetched = 0;
    const items = pagedIterable(
      () => {
        fetched += 1;
        return pages.shift();
      },
      (n: number) => n * 10,
    );
    expect(fetched).toBe(0);
    expect(await collect(items)).toEqual([10, 20, 30]);
    expect(fetched).toBe(4);
  });

  it('stops fetching when the consumer breaks early', async () => {
    let fetched = 0;
    const items = pagedIterable(
      () => {
        fetched += 1;
        return [fetched];
      },
      (n: number) => n,
    );
    expect(await collect(items, 3)).toEqual([1, 2, 3]);
    expect(fetched).toBe(3);
  });

  it('rejects with the error a page fetch throws and then ends', async () => {
    const iterator = pagedIterable(
      () => {
        throw new Error('disk gone');
      },
      (n: number) => n,
    )[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow('disk gone');
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });
});
