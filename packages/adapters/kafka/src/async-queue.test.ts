import { describe, expect, it } from 'vitest';
import { AsyncQueue } from './async-queue.js';

describe('AsyncQueue', () => {
  it('makes a writer wait while full and refuses pushes after close', async () => {
    const queue = new AsyncQueue<number>(1);
    await queue.push(1);
    let second = false;
    const pushing = queue.push(2).then((accepted) => {
      second = accepted;
    });
    await Promise.resolve();
    expect(second).toBe(false);
    const iterator = queue[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(1);
    await pushing;
    expect(second).toBe(true);
    queue.close();
    expect(await queue.push(3)).toBe(false);
    expect((await iterator.next()).value).toBe(2);
    expect((await iterator.next()).done).toBe(true);
  });
});
