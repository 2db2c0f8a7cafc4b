import { createInMemoryEventStore } from '@ordo/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryReadStore } from './in-memory-read-store.js';
import type { ProjectionRunner } from './projection-runner.js';
import { createSplitFeedRunner } from './split-feed-runner.js';
import { createStoreEventSource } from './store-event-source.js';
import { balances, owners, seedLedger } from './test-support/ledger.js';

const runners: ProjectionRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
});

describe('createSplitFeedRunner', () => {
  it('feeds stream-keyed projections with the topic’s partition count from the stream source, the rest from the store', async () => {
    const events = createInMemoryEventStore();
    const head = await seedLedger(events, { streams: 6, deposits: 3 });
    const opened: string[] = [];
    const storeSource = createStoreEventSource(events);
    const streamSource = {
      partitions: 4,
      source: {
        headPosition: () => storeSource.headPosition(),
        open: (request: Parameters<typeof storeSource.open>[0]) => {
          opened.push(request.collection ?? '');
          return storeSource.open(request);
        },
      },
    };
    const store = createInMemoryReadStore();
    const runner = createSplitFeedRunner({
      storeSource,
      streamSource,
      store,
      projections: [balances(), owners({ partitions: 2 })],
    });
    runners.push(runner);
    expect(runner.feeds).toEqual({ stream: ['balances'], store: ['owners'] });
    await runner.start();
    await expect(runner.waitFor('balances', head, { timeoutMs: 5_000 })).resolves.toMatchObject({ status: 'reached' });
    await expect(runner.waitFor('owners', head, { timeoutMs: 5_000 })).resolves.toMatchObject({ status: 'reached' });
    expect(opened).toEqual(['balances_v1']);
    expect((await store.get('balances', 'ledger-2'))?.document).toMatchObject({ deposits: 3 });
    expect((await store.get('owners', 'ledger-5'))?.document).toMatchObject({ owner: 'o5' });
  });

  it('is one runner over the store without a stream source', () => {
    const runner = createSplitFeedRunner({
      storeSource: createStoreEventSource(createInMemoryEventStore()),
      store: createInMemoryReadStore(),
      projections: [balances(), owners()],
    });
    expect(runner.feeds).toEqual({ stream: [], store: ['balances', 'owners'] });
  });
});
