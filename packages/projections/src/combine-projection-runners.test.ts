import { createInMemoryEventStore, type EventStore } from '@ordo/core';
import { afterEach, describe, expect, it } from 'vitest';
import { combineProjectionRunners } from './combine-projection-runners.js';
import { createInMemoryDeadLetterStore } from './in-memory-dead-letter-store.js';
import { createInMemoryReadStore } from './in-memory-read-store.js';
import { createProjectionRunner, type ProjectionRunner } from './projection-runner.js';
import type { ReadStore } from './read-store.js';
import { createStoreEventSource } from './store-event-source.js';
import { type Balance, balances, owners, seedLedger } from './test-support/ledger.js';

const runners: ProjectionRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
});

/** Two runners over one read store, as in production: `balances` on one feed, `owners` on another. */
function twoRunners(events: EventStore, store: ReadStore, failOn?: (amount: number) => boolean) {
  const deadLetters = createInMemoryDeadLetterStore();
  const retry = { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 };
  const first = createProjectionRunner({
    source: createStoreEventSource(events),
    store,
    deadLetters,
    projections: [balances()],
    retry,
  });
  const second = createProjectionRunner({
    source: createStoreEventSource(events),
    store,
    deadLetters,
    projections: [owners(failOn === undefined ? {} : { failOn })],
    retry,
  });
  const combined = combineProjectionRunners(first, second);
  runners.push(combined);
  return { first, second, combined };
}

describe('combineProjectionRunners', () => {
  it('starts every runner and waits for a position through the runner that serves the name', async () => {
    const events = createInMemoryEventStore();
    const store = createInMemoryReadStore();
    const { combined } = twoRunners(events, store);
    await combined.start();
    const head = await seedLedger(events, { streams: 6, deposits: 3 });

    expect(await combined.waitFor('balances', head, { timeoutMs: 5_000 })).toEqual({
      status: 'reached',
      position: head,
    });
    expect(await combined.waitFor('owners', head, { timeoutMs: 5_000 })).toEqual({ status: 'reached', position: head });
    expect((await store.get<Balance>('balances', 'ledger-2'))?.document).toMatchObject({ balance: 6, deposits: 3 });
    expect((await store.get('owners', 'ledger-2'))?.document).toMatchObject({ last: 3 });
  });

  it('lists the names of all runners and reports the status of each', async () => {
    const events = createInMemoryEventStore();
    const head = await seedLedger(events, { streams: 3, deposits: 1 });
    const { first, second, combined } = twoRunners(events, createInMemoryReadStore());
    expect(first.names()).toEqual(['balances']);
    expect(second.names()).toEqual(['owners']);
    expect(combined.names()).toEqual(['balances', 'owners']);

    await combined.catchUp();
    expect((await combined.statusAll()).map((status) => status.name)).toEqual(['balances', 'owners']);
    expect(await combined.status('owners')).toMatchObject({ name: 'owners', headPosition: head, lag: 0 });
  });

  it('rebuilds in the runner that serves the name, leaving the other untouched', async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 4, deposits: 2 });
    const store = createInMemoryReadStore();
    const { combined } = twoRunners(events, store);
    await combined.catchUp();
    const before = await store.get('balances', 'ledger-1');

    await combined.rebuild('owners');
    expect(await store.resolveAlias('owners')).toMatch(/^owners_v1_r/);
    expect(await store.resolveAlias('balances')).toBe('balances_v1');
    expect(await store.get('balances', 'ledger-1')).toEqual(before);
  });

  it('routes parked events to the runner that parked them', async () => {
    const events = createInMemoryEventStore();
    await seedLedger(events, { streams: 2, deposits: 2 });
    const { combined } = twoRunners(events, createInMemoryReadStore(), (amount) => amount === 2);
    await combined.catchUp();

    const parked = await combined.listParked('owners');
    expect(parked.map((entry) => entry.partitionKey).sort()).toEqual(['ledger-0', 'ledger-1']);
    expect(await combined.listParked('balances')).toEqual([]);
    await combined.skipParked('owners', parked[0]?.position ?? 0);
    expect(await combined.listParked('owners')).toHaveLength(1);
    expect(await combined.retryParked('owners')).toEqual({ applied: 0, stillParked: 1 });
  });

  it('refuses a name no runner serves with UnknownProjectionError', async () => {
    const { combined } = twoRunners(createInMemoryEventStore(), createInMemoryReadStore());
    await expect(combined.waitFor('nope', 1, { timeoutMs: 10 })).rejects.toMatchObject({
      code: 'UNKNOWN_PROJECTION',
      projection: 'nope',
    });
    await expect(combined.status('nope')).rejects.toMatchObject({ code: 'UNKNOWN_PROJECTION' });
    await expect(combined.rebuild('nope')).rejects.toMatchObject({ code: 'UNKNOWN_PROJECTION' });
  });

  it('refuses two runners that serve the same name', () => {
    const events = createInMemoryEventStore();
    const store = createInMemoryReadStore();
    const runner = () =>
      createProjectionRunner({ source: createStoreEventSource(events), store, projections: [balances()] });
    expect(() => combineProjectionRunners(runner(), runner())).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_PROJECTION', projection: 'balances' }),
    );
  });

  it('stops the runners that started when another fails to start', async () => {
    const { first, second } = twoRunners(createInMemoryEventStore(), createInMemoryReadStore());
    let firstStopped = false;
    const watched: ProjectionRunner = {
      ...first,
      stop: async () => {
        firstStopped = true;
        await first.stop();
      },
    };
    const failing: ProjectionRunner = { ...second, start: () => Promise.reject(new Error('broker down')) };
    await expect(combineProjectionRunners(watched, failing).start()).rejects.toThrow('broker down');
    expect(firstStopped).toBe(true);
  });

  it('stops every runner even when one fails to stop, then reports that failure', async () => {
    const events = createInMemoryEventStore();
    const store = createInMemoryReadStore();
    const { first, second } = twoRunners(events, store);
    let secondStopped = false;
    const failing: ProjectionRunner = { ...first, stop: () => Promise.reject(new Error('stop failed')) };
    const watched: ProjectionRunner = {
      ...second,
      stop: async () => {
        secondStopped = true;
        await second.stop();
      },
    };
    await expect(combineProjectionRunners(failing, watched).stop()).rejects.toThrow('stop failed');
    expect(secondStopped).toBe(true);
  });
});
