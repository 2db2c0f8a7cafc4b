import { describe, expect, it } from 'vitest';
import { AsyncQueue } from './async-queue.js';
import { lingerBatches } from './linger-batches.js';

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

describe('lingerBatches', () => {
  it('groups items that are ready into batches of at most maxSize', async () => {
    const batches: number[][] = [];
    for await (const batch of lingerBatches(from([1, 2, 3, 4, 5]), { maxSize: 2, lingerMs: 50 })) batches.push(batch);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('closes a batch when nothing more arrives within the linger time, and keeps the late item for the next', async () => {
    const queue = new AsyncQueue<number>(10);
    const batches = lingerBatches(queue[Symbol.asyncIterator](), { maxSize: 100, lingerMs: 5 });
    await queue.push(1);
    expect((await batches.next()).value).toEqual([1]);
    await queue.push(2);
    await queue.push(3);
    queue.close();
    expect((await batches.next()).value).toEqual([2, 3]);
    expect((await batches.next()).done).toBe(true);
  });
});
