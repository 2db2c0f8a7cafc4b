import type { PagedAsyncIterable } from './paged-async-iterable.js';

/**
 * Iterates an in-memory list asynchronously without a generator per item: loaders fold
 * thousands of events per call, and a plain iterator costs a fraction of an async generator.
 * `pages()` hands out the whole list at once.
 */
export function arrayAsyncIterable<T>(items: () => Iterable<T>): PagedAsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = items()[Symbol.iterator]();
      return {
        next: () => Promise.resolve(iterator.next()),
        return: (value?: unknown) => {
          iterator.return?.();
          return Promise.resolve({ done: true, value: value as T });
        },
      };
    },
    async *pages() {
      const list = items();
      yield Array.isArray(list) ? (list as readonly T[]) : Array.from(list);
    },
  };
}
