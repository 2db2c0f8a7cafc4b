import { createInMemoryEventStore, type RecordedEvent } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import type { SourceBatch } from './event-source.js';
import { partitionFor } from './partitioner.js';
import { createStoreEventSource } from './store-event-source.js';

async function seed(streams: number, perStream: number) {
  const store = createInMemoryEventStore();
  for (let n = 0; n < perStream; n += 1) {
    for (let s = 0; s < streams; s += 1)
      await store.appendToStream(`s-${s}`, [{ type: n % 2 ? 'A' : 'B', data: { n } }]);
  }
  return store;
}

const partitionOf = (event: RecordedEvent) => partitionFor(event.streamId, 3);

describe('createStoreEventSource', () => {
  it('delivers each partition its own events in position order, skipping those at or below its checkpoint', async () => {
    const store = await seed(9, 6);
    const feed = createStoreEventSource(store).open({
      partitions: 3,
      partitionOf,
      after: [0, 20, 40],
      maxBatchSize: 4,
      follow: false,
      to: 54,
    });
    for (let partition = 0; partition < 3; partition += 1) {
      const batches: SourceBatch[] = [];
      for await (const batch of feed.batches(partition)) batches.push(batch);
      const positions = batches.flatMap((batch) => batch.events.map((event) => event.position));
      const expected: number[] = [];
      for await (const event of store.readAll()) {
        if (partitionOf(event) === partition && event.position > (partition === 0 ? 0 : partition * 20))
          expected.push(event.position);
      }
      expect(positions).toEqual(expected);
      expect(batches.every((batch) => batch.events.length <= 4)).toBe(true);
      expect(batches.at(-1)?.scannedTo).toBe(54);
    }
    await feed.close();
  });

  it('pushes event types down as a filter and still reports the scanned position', async () => {
    const store = await seed(3, 4);
    const feed = createStoreEventSource(store).open({
      partitions: 1,
      partitionOf: () => 0,
      after: [0],
      eventTypes: ['A'],
      maxBatchSize: 100,
      follow: false,
    });
    const batches: SourceBatch[] = [];
    for await (const batch of feed.batches(0)) batches.push(batch);
    expect(batches.flatMap((batch) => batch.events.map((event) => event.type))).toEqual(['A', 'A', 'A', 'A', 'A', 'A']);
    expect(batches.at(-1)?.scannedTo).toBe(12);
  });

  it('follows appends after the head and ends every partition when closed', async () => {
    const store = await seed(1, 1);
    const feed = createStoreEventSource(store).open({
      partitions: 2,
      partitionOf: (event) => partitionFor(event.streamId, 2),
      after: [0, 0],
      maxBatchSize: 10,
      follow: true,
    });
    const iterator = feed.batches(partitionFor('late', 2))[Symbol.asyncIterator]();
    const next = (async () => {
      while (true) {
        const result = await iterator.next();
        if (result.done || result.value.events.some((event) => event.streamId === 'late')) return result;
      }
    })();
    await store.appendToStream('late', [{ type: 'A', data: {} }]);
    const found = await next;
    expect(found.done).toBe(false);
    await feed.close();
    expect((await iterator.next()).done).toBe(true);
  });
});
