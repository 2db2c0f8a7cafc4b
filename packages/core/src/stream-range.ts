import type { ReadStreamOptions } from './event-store.js';

/** The 1-based versions a `readStream` call covers, in reading order, for a stream of `length` events. */
export function* readStreamRange(length: number, options: ReadStreamOptions): Generator<number> {
  const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
  let count = 0;
  if (options.direction === 'backward') {
    const lowest = Math.max(options.to ?? 1, 1);
    for (let version = Math.min(options.from ?? length, length); version >= lowest && count < maxCount; version -= 1) {
      count += 1;
      yield version;
    }
    return;
  }
  const highest = Math.min(options.to ?? length, length);
  for (let version = Math.max(options.from ?? 1, 1); version <= highest && count < maxCount; version += 1) {
    count += 1;
    yield version;
  }
}
