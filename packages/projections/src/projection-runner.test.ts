import { createInMemoryEventStore, type EventStore } from '@ordo/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PartitionedEventSource } from './event-source.js';
import { createInMemoryDeadLetterStore } from './in-memory-dead-letter-store.js';
import { createInMemoryReadStore } from './in-memory-read-store.js';
import { partitionFor } from './partitioner.js';
import { defineProjection, fromEvents } from './projection.js';
import { createProjectionRunner, type ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner.js';
import type { RebuildProgress } from './projection-status.js';
import { upsert } from './read-model-operation.js';
import type { ReadStore } from './read-store.js';
import { createStoreEventSource } from './store-event-source.js';
import { type Balance, balances, owners, seedLedger } from './test-support/ledger.js';

const runners: ProjectionRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
});

function runnerFor(events: EventStore, store: ReadStore, overrides: Partial<ProjectionRunnerOptions> = {}) {
  const runner = createProjectionRunner({
    source: createStoreEventSource(events),
    store,
    projections: [balances()],
    batchSize: 50,
    retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
    ...overrides,
  });
  runners.push(runner);
  return runner;
}

async function documents(store: ReadStore, name: string) {
  const all: Record<string, unknown> = {};
  let cursor: string | undefined;
  do {
    const page = await store.find(name, { limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
    for (const item of page.items) all[item.id] = item.document;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return all;
}

describe('createProjectionRunner', () => {
  it('applies every stream in stream order while partitions run in parallel', async () => {
    const events = createInMemoryEventStore();
    const head = await seedLedger(events, { streams: 40, deposits: 12 });
    const store = createInMemoryReadStore();
    const commits: number[] = [];
    const recording: ReadStore = Object.assign(Object.create(store) as ReadStore, {
      commit: async (batch: Parameters<ReadStore['commit']>[0]) => {
        if (batch.operations.length > 0) commits.push(batch.partition);
        return store.commit(batch);
      },
    });
    const runner = runnerFor(events, recording);
    await runner.start();
    expect(await runner.waitFor('balances', head, { timeoutMs: 5_000 })).toEqual({ status: 'reached', position: head });
    const docs = (await documents(store, 'balances')) as Record<string, Balance>;
    expect(Object.keys(docs)).toHaveLength(40);
    for (const doc of Object.values(docs)) {
      expect(doc.seen).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
      expect(doc.balance).toBe((12 * 13) / 2);
    }
    const status = await runner.status('balances');
    expect(status.partitions.map((p) => p.state)).toEqual(['caught-up', 'caught-up', 'caught-up', 'caught-up']);
    expect(status.partitions.every((p) => p.checkpoint === head)).toBe(true);
    // Parallel partitions: partition 0's commits are interleaved with other partitions' commits.
    const first = commits.indexOf(0);
    const last = commits.lastIndexOf(0);
    expect(commits.slice(first, last).some((partition) => partition !== 0)).toBe(true);
  });

  it('follows live appends and wakes waitFor on the commit that passes the position', async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 3, deposits: 1 });
    const store = createInMemoryReadStore();
    const runner = runnerFor(events, store);
    await runner.start();
    const { position } = await events.appendToStream('ledger-1', [{ type: 'Deposited', data: { amount: 40 } }]);
    const result = await runner.waitFor('balances', position, { timeoutMs: 5_000, partitionKey: 'ledger-1' });
    expect(result.status).toBe('reached');
    expect((await store.get<Balance>('balances', 'ledger-1'))?.document.balance).toBe(41);
    expect((await store.get('balances', 'ledger-1'))?.position).toBe(position);
  });

  it('returns a timeout with the lag when the projection cannot reach the position', async () => {
    const events = createInMemoryEventStore();
    const head = await seedLedger(events, { streams: 2, deposits: 1 });
    const runner = runnerFor(events, createInMemoryReadStore());
    await runner.start();
    await runner.waitFor('balances', head);
    const result = await runner.waitFor('balances', head + 10, { timeoutMs: 30 });
    expect(result.status).toBe('timeout');
    if (result.status !== 'timeout') return;
    expect(result.lag).toHaveLength(4);
    expect(result.lag.every((partition) => partition.lag === 10 && partition.reached === head)).toBe(true);
  });

  it('reports lag per partition as head minus checkpoint, and zero once caught up', async () => {
    const events = createInMemoryEventStore();
    const head = await seedLedger(events, { streams: 8, deposits: 3 });
    const store = createInMemoryReadStore();
    const runner = runnerFor(events, store);
    await runner.catchUp();
    const status = await runner.status('balances');
    expect(status).toMatchObject({ headPosition: head, lag: 0, state: 'caught-up', role: 'serving', parked: 0 });
    await events.appendToStream('ledger-3', [{ type: 'Deposited', data: { amount: 1 } }]);
    const after = await runner.status('balances');
    expect(after.headPosition).toBe(head + 1);
    expect(after.lag).toBe(1);
    expect(after.partitions.every((p) => p.lag === head + 1 - p.reached)).toBe(true);
  });

  it('ends up with the same read model when the source delivers every batch twice', async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 10, deposits: 6 });
    const inner = createStoreEventSource(events);
    const duplicating: PartitionedEventSource = {
      headPosition: () => inner.headPosition(),
      open(request) {
        const feed = inner.open(request);
        return {
          ...feed,
          batches: (partition) => ({
            async *[Symbol.asyncIterator]() {
              for await (const batch of feed.batches(partition)) {
                yield batch;
                yield batch;
              }
            },
          }),
          close: () => feed.close(),
        };
      },
    };
    const clean = createInMemoryReadStore();
    await runnerFor(events, clean).catchUp();
    const twice = createInMemoryReadStore();
    await runnerFor(events, twice, { source: duplicating }).catchUp();
    expect(await documents(twice, 'balances')).toEqual(await documents(clean, 'balances'));
  });

  it('finishes the batch it is writing before it closes the feed on stop', async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 4, deposits: 2 });
    const real = createInMemoryReadStore();
    const log: string[] = [];
    let release: () => void = () => {};
    const writing = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => {};
    const blocked = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const slow: ReadStore = Object.assign(Object.create(real) as ReadStore, {
      commit: async (batch: Parameters<ReadStore['commit']>[0]) => {
        entered();
        await writing;
        await real.commit(batch);
        log.push('batch written');
      },
    });
    const inner = createStoreEventSource(events);
    const source: PartitionedEventSource = {
      headPosition: () => inner.headPosition(),
      open(request) {
        const feed = inner.open(request);
        return {
          ...feed,
          close: async () => {
            log.push('feed closed');
            await feed.close();
          },
        };
      },
    };
    const runner = runnerFor(events, slow, { source, projections: [balances({ partitions: 1 })] });
    void runner.start();
    await blocked;
    const stopped = runner.stop();
    setTimeout(release, 20);
    await stopped;
    expect(log.slice(0, 2)).toEqual(['batch written', 'feed closed']);
  });

  it('coalesces a batch into one write per document', async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 5, deposits: 20 });
    const real = createInMemoryReadStore();
    let writes = 0;
    const counting: ReadStore = Object.assign(Object.create(real) as ReadStore, {
      commit: async (batch: Parameters<ReadStore['commit']>[0]) => {
        writes += batch.operations.length;
        return real.commit(batch);
      },
    });
    await runnerFor(events, counting, { projections: [owners({ partitions: 1 })], batchSize: 1_000 }).catchUp();
    expect(writes).toBe(5);
    const doc = await real.get('owners', 'ledger-2');
    expect(doc?.document).toEqual({ owner: 'o2', last: 20 });
  });

  it('parks a poison event and holds its key behind it while other keys flow, then retries in order', async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 4, deposits: 4, amount: (stream, n) => (stream === 2 && n === 2 ? 666 : n) });
    const store = createInMemoryReadStore();
    let broken = true;
    const projection = owners({ failOn: (amount) => broken && amount === 666 });
    const deadLetters = createInMemoryDeadLetterStore();
    const runner = runnerFor(events, store, { projections: [projection], deadLetters });
    await runner.catchUp();

    const parked = await runner.listParked('owners');
    expect(parked.map((entry) => [entry.partitionKey, entry.event.streamVersion, entry.attempts])).toEqual([
      ['ledger-2', 3, 3],
      ['ledger-2', 4, 0],
      ['ledger-2', 5, 0],
    ]);
    expect(parked[0]?.error.message).toBe('refusing 666');
    expect((await store.get('owners', 'ledger-2'))?.document).toEqual({ owner: 'o2', last: 1 });
    expect((await store.get('owners', 'ledger-1'))?.document).toEqual({ owner: 'o1', last: 4 });
    expect((await runner.status('owners')).parked).toBe(3);

    expect(await runner.retryParked('owners')).toEqual({ applied: 0, stillParked: 3 });
    broken = false;
    expect(await runner.retryParked('owners')).toEqual({ applied: 3, stillParked: 0 });
    expect((await store.get('owners', 'ledger-2'))?.document).toEqual({ owner: 'o2', last: 4 });
    expect(await runner.listParked('owners')).toEqual([]);
  });

  it('lets the key flow again once its parked events are skipped', async () => {
    const events = createInMemoryEventStore();
    const head = await seedLedger(events, {
      streams: 2,
      deposits: 2,
      amount: (stream, n) => (stream === 0 && n === 2 ? 666 : n),
    });
    const store = createInMemoryReadStore();
    const runner = runnerFor(events, store, { projections: [owners({ failOn: (amount) => amount === 666 })] });
    await runner.start();
    expect((await runner.waitFor('owners', head)).status).toBe('reached');
    const parked = await runner.listParked('owners');
    expect(parked).toHaveLength(1);
    await runner.skipParked('owners', parked[0]?.position ?? 0);
    const { position } = await events.appendToStream('ledger-0', [{ type: 'Deposited', data: { amount: 7 } }]);
    expect((await runner.waitFor('owners', position)).status).toBe('reached');
    expect((await store.get('owners', 'ledger-0'))?.document).toEqual({ owner: 'o0', last: 7 });
    expect(await runner.listParked('owners')).toEqual([]);
  });

  it("keeps a failing key flowing under the 'skip' policy and stops the partition under 'halt'", async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 1, deposits: 3, amount: (_stream, n) => (n === 2 ? 666 : n) });
    const skipping = createInMemoryReadStore();
    const projection = owners({ partitions: 1, failOn: (amount) => amount === 666 });
    const skipRunner = runnerFor(events, skipping, { projections: [projection], failurePolicy: 'skip' });
    await skipRunner.catchUp();
    expect((await skipping.get('owners', 'ledger-0'))?.document).toEqual({ owner: 'o0', last: 3 });
    expect(await skipRunner.listParked('owners')).toHaveLength(1);

    const halting = createInMemoryReadStore();
    const errors: unknown[] = [];
    const haltRunner = runnerFor(events, halting, {
      projections: [projection],
      failurePolicy: 'halt',
      onError: (error) => errors.push(error),
    });
    await haltRunner.catchUp();
    const status = await haltRunner.status('owners');
    expect(status.state).toBe('halted');
    expect(status.partitions[0]?.checkpoint).toBe(0);
    expect(errors).toHaveLength(1);
    expect((await halting.get('owners', 'ledger-0'))?.document).toBeUndefined();
  });

  it('rebuilds a bumped version beside the live one, switches the alias once caught up and drops the old one', async () => {
    const events = createInMemoryEventStore();
    const head = await seedLedger(events, { streams: 20, deposits: 10 });
    const store = createInMemoryReadStore();
    await runnerFor(events, store).catchUp();
    expect(await store.resolveAlias('balances')).toBe('balances_v1');

    const progress: RebuildProgress[] = [];
    let answeredDuringRebuild = 0;
    const slowStore: ReadStore = Object.assign(Object.create(store) as ReadStore, {
      commit: async (batch: Parameters<ReadStore['commit']>[0]) => {
        // Queries keep answering from the live version while the rebuild writes beside it.
        if (batch.collection === 'balances_v2') {
          const live = await store.get<Balance>('balances', 'ledger-5');
          if ((live?.document.balance ?? 0) >= 55) answeredDuringRebuild += 1;
        }
        return store.commit(batch);
      },
    });
    const runner = runnerFor(events, slowStore, {
      projections: [balances({ version: 1 }), balances({ version: 2 })],
      onProgress: (p) => progress.push(p),
    });
    await runner.start();
    const statuses = await runner.statusAll();
    expect(statuses.map((s) => [s.collection, s.role])).toContainEqual(['balances_v2', 'rebuilding']);
    const { position } = await events.appendToStream('ledger-5', [{ type: 'Deposited', data: { amount: 5 } }]);
    await expect.poll(() => store.resolveAlias('balances'), { timeout: 5_000 }).toBe('balances_v2');
    expect((await runner.waitFor('balances', position)).status).toBe('reached');
    expect((await store.get<Balance>('balances', 'ledger-5'))?.document.balance).toBe(60);
    expect(answeredDuringRebuild).toBeGreaterThan(0);
    expect(await store.listCollections()).toEqual(['balances_v2']);
    const rebuildProgress = progress.filter((p) => p.collection === 'balances_v2');
    expect(rebuildProgress.at(-1)).toMatchObject({ total: head });
    expect(rebuildProgress.at(-1)?.done).toBeGreaterThan(0);
    expect((await runner.status('balances')).role).toBe('serving');
  });

  it('rebuilds the same version on demand into a fresh collection and switches to it', async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 6, deposits: 4 });
    const store = createInMemoryReadStore();
    const runner = runnerFor(events, store);
    await runner.catchUp();
    const before = await documents(store, 'balances');
    await runner.rebuild('balances');
    const alias = await store.resolveAlias('balances');
    expect(alias).toMatch(/^balances_v1_r/);
    expect(await store.listCollections()).toEqual([alias]);
    expect(await documents(store, 'balances')).toEqual(before);
  });

  it('assigns each stream to the partition Kafka would', async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 30, deposits: 1 });
    const store = createInMemoryReadStore();
    const seen = new Map<string, number>();
    const projection = balances({ partitions: 7 });
    const spying: ReadStore = Object.assign(Object.create(store) as ReadStore, {
      commit: async (batch: Parameters<ReadStore['commit']>[0]) => {
        for (const operation of batch.operations) seen.set(operation.id, batch.partition);
        return store.commit(batch);
      },
    });
    await runnerFor(events, spying, { projections: [projection] }).catchUp();
    expect(seen.size).toBe(30);
    for (const [id, partition] of seen) expect(partition).toBe(partitionFor(id, 7));
  });

  it('retries a failing commit with backoff, then halts the partition if the store keeps failing', async () => {
    const events = createInMemoryEventStore();
    const head = await seedLedger(events, { streams: 4, deposits: 2 });
    const real = createInMemoryReadStore();
    let failures = 2;
    const flaky: ReadStore = Object.assign(Object.create(real) as ReadStore, {
      commit: async (batch: Parameters<ReadStore['commit']>[0]) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('database is busy');
        }
        return real.commit(batch);
      },
    });
    const runner = runnerFor(events, flaky, { projections: [balances({ partitions: 1 })] });
    await runner.catchUp();
    expect((await runner.status('balances')).partitions[0]).toMatchObject({ checkpoint: head, state: 'caught-up' });
    expect((await real.get<Balance>('balances', 'ledger-1'))?.document.balance).toBe(3);

    const broken: ReadStore = Object.assign(Object.create(createInMemoryReadStore()) as ReadStore, {
      commit: async () => {
        throw new Error('disk on fire');
      },
    });
    const errors: unknown[] = [];
    const halted = runnerFor(events, broken, { onError: (error) => errors.push(error) });
    await halted.catchUp();
    const status = await halted.status('balances');
    expect(status.state).toBe('halted');
    expect(status.partitions.some((p) => p.error === 'disk on fire')).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('rebuilds from the rebuild source and hands the new version over to the live source', async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 6, deposits: 3 });
    const store = createInMemoryReadStore();
    await runnerFor(events, store).catchUp();
    const storeSource = createStoreEventSource(events);
    const liveOpens: string[] = [];
    // Like Kafka: follows live, cannot replay to a fixed end.
    const live: PartitionedEventSource = {
      headPosition: () => storeSource.headPosition(),
      open(request) {
        if (!request.follow) throw new Error('replay unsupported');
        liveOpens.push(request.collection ?? '?');
        return storeSource.open(request);
      },
    };
    const runner = runnerFor(events, store, {
      source: live,
      rebuildSource: storeSource,
      projections: [balances({ version: 1 }), balances({ version: 2 })],
    });
    await runner.start();
    await expect.poll(() => store.resolveAlias('balances'), { timeout: 5_000 }).toBe('balances_v2');
    expect(liveOpens).toEqual(['balances_v1', 'balances_v2']);
    const { position } = await events.appendToStream('ledger-2', [{ type: 'Deposited', data: { amount: 100 } }]);
    expect((await runner.waitFor('balances', position)).status).toBe('reached');
    expect((await store.get<Balance>('balances', 'ledger-2'))?.document.balance).toBe(106);
  });

  it('replays from a given position into a fresh collection', async () => {
    const events = createInMemoryEventStore();
    for (let i = 1; i <= 10; i += 1)
      await events.appendToStream(`note-${i}`, [{ type: 'Noted', data: { text: `t${i}` } }]);
    const notes = defineProjection({
      name: 'notes',
      partitions: 2,
      sources: [fromEvents({ Noted: z.object({ text: z.string() }) })],
      handlers: { Noted: (event) => upsert(event.streamId, { text: event.data.text }) },
    });
    const store = createInMemoryReadStore();
    const progress: RebuildProgress[] = [];
    const runner = runnerFor(events, store, { projections: [notes], onProgress: (p) => progress.push(p) });
    await runner.catchUp();
    expect(Object.keys(await documents(store, 'notes'))).toHaveLength(10);
    await runner.rebuild('notes', { fromPosition: 6 });
    expect(Object.keys(await documents(store, 'notes')).sort()).toEqual(['note-10', 'note-7', 'note-8', 'note-9']);
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4, etaMs: 0 });
    expect(progress.at(-1)?.rate).toBeGreaterThan(0);
  });

  it('completes a version bump in catchUp even when the old version is no longer registered', async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 5, deposits: 2 });
    const store = createInMemoryReadStore();
    await runnerFor(events, store, { projections: [balances({ version: 1 })] }).catchUp();
    const before = await documents(store, 'balances');
    await runnerFor(events, store, { projections: [balances({ version: 2 })] }).catchUp();
    expect(await store.resolveAlias('balances')).toBe('balances_v2');
    expect(await store.listCollections()).toEqual(['balances_v2']);
    expect(await documents(store, 'balances')).toEqual(before);
  });
});
