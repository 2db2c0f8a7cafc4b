import { describe, expect, it } from 'vitest';
import { arrayAsyncIterable } from './array-async-iterable.js';
import { forEachItem, hasPages } from './paged-async-iterable.js';

async function* plain() {
  yield* [1, 2, 3];
}

describe('forEachItem', () => {
  it('visits every item of a paged iterable in order', async () => {
    const seen: number[] = [];
    const items = arrayAsyncIterable(() => [1, 2, 3]);
    expect(hasPages(items)).toBe(true);
    await forEachItem(items, (item) => seen.push(item) > 0);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('falls back to per-item iteration for an iterable without pages', async () => {
    const seen: number[] = [];
    expect(hasPages(plain())).toBe(false);
    await forEachItem(plain(), (item) => seen.push(item) > 0);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('stops when the visitor returns false and closes the pages iterator', async () => {
    let closed = false;
    const items = {
      [Symbol.asyncIterator]: () => plain(),
      async *pages() {
        try {
          yield [1, 2];
          yield [3, 4];
        } finally {
          closed = true;
        }
      },
    };
    const seen: number[] = [];
    await forEachItem(items, (item) => {
      seen.push(item);
      return item < 2;
    });
    expect(seen).toEqual([1, 2]);
    expect(closed).toBe(true);
  });
});
