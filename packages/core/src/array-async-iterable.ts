/**
 * Iterates an in-memory list asynchronously without a generator per item: loaders fold
 * thousands of events per call, and a plain iterator costs a fraction of an async generator.
 */
export function arrayAsyncIterable<T>(items: () => Iterable<T>): AsyncIterable<T> {
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
  };
}
