import { sleep } from '@ordo/core';
import type { PartitionedEventSource } from '@ordo/projections';

/** Wraps a real source so each batch arrives `delayMs` late, like a consumer behind a broker. */
export function delayedSource(source: PartitionedEventSource, delayMs: number): PartitionedEventSource {
  return {
    headPosition: () => source.headPosition(),
    open(request) {
      const feed = source.open(request);
      return {
        ...feed,
        async *batches(partition) {
          for await (const batch of feed.batches(partition)) {
            await sleep(delayMs);
            yield batch;
          }
        },
        close: () => feed.close(),
      };
    },
  };
}
