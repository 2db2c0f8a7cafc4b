import { createCommandHandler, createInMemoryEventStore, defineAggregate } from '@ordo/core';
import {
  createInMemoryReadStore,
  createProjectionRunner,
  createStoreEventSource,
  defineProjection,
  defineReactor,
  type ProjectionRunner,
  upsert,
} from '@ordo/projections';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { installTestTelemetry, type TestTelemetry } from './testing/index.js';

const tally = defineAggregate({
  name: 'Tally',
  commands: { Count: z.object({}) },
  events: { Counted: z.object({}) },
  initialState: () => ({}),
  evolve: (state) => state,
  decide: () => ({ type: 'Counted', data: {} }),
});

/** A gate the reactor waits on, so the test decides when the projection may catch up. */
function gate() {
  let open: () => void = () => {};
  let promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    wait: () => promise,
    open: () => open(),
    close: () => {
      promise = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
  };
}

describe('projection telemetry', () => {
  let telemetry: TestTelemetry;
  const runners: ProjectionRunner[] = [];
  beforeEach(() => {
    telemetry = installTestTelemetry();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    await telemetry.shutdown();
  });

  it('reports lag in events and seconds while a partition falls behind, and zero once it caught up', async () => {
    const events = createInMemoryEventStore();
    const tallies = createCommandHandler(tally, { store: events });
    const slow = gate();
    const reactor = defineReactor({
      name: 'slow',
      partitions: 1,
      sources: [tally],
      handlers: {
        Counted: async (event) => {
          await slow.wait();
          return upsert(event.streamId, { last: event.position });
        },
      },
    });
    const runner = createProjectionRunner({
      source: createStoreEventSource(events),
      store: createInMemoryReadStore(),
      projections: [reactor],
      batchSize: 2,
    });
    runners.push(runner);
    await runner.start();
    const labels = { 'ordo.projection': 'slow', 'ordo.partition': 0 };
    const gauge = async (name: string) => telemetry.point(await telemetry.collect(), name, labels)?.value as number;

    for (let i = 0; i < 5; i += 1) await tallies.handle('t', { type: 'Count', data: {} });
    await new Promise((resolve) => setTimeout(resolve, 30)); // the batch in hand grows older
    const behind = await telemetry.collect();
    expect(telemetry.point(behind, 'ordo.projection.lag', labels)?.value).toBe(5);
    expect(telemetry.point(behind, 'ordo.projection.lag_seconds', labels)?.value).toBeGreaterThanOrEqual(0.025);
    expect(telemetry.point(behind, 'ordo.projection.head_position', { 'ordo.projection': 'slow' })?.value).toBe(5);

    slow.open();
    await runner.waitFor('slow', 5, { timeoutMs: 5_000 });
    expect(await gauge('ordo.projection.lag')).toBe(0);
    expect(await gauge('ordo.projection.lag_seconds')).toBe(0);
    expect(await gauge('ordo.projection.checkpoint')).toBe(5);

    // Behind again, then caught up again: the gauges follow.
    slow.close();
    for (let i = 0; i < 3; i += 1) await tallies.handle('t', { type: 'Count', data: {} });
    expect(await gauge('ordo.projection.lag')).toBe(3);
    slow.open();
    await runner.waitFor('slow', 8, { timeoutMs: 5_000 });
    expect(await gauge('ordo.projection.lag')).toBe(0);

    const metrics = await telemetry.collect();
    const sizes = telemetry.point(metrics, 'ordo.projection.batch.size', { 'ordo.projection': 'slow' })?.value as {
      count: number;
      sum: number;
      max: number;
    };
    expect(sizes.sum).toBe(8);
    expect(sizes.max).toBeLessThanOrEqual(2);
    const durations = telemetry.point(metrics, 'ordo.projection.batch.duration', { 'ordo.projection': 'slow' })
      ?.value as {
      count: number;
    };
    expect(durations.count).toBe(sizes.count);
  });

  it('traces one rebuild batch in `rebuildTraceEvery`, as a root without links, and reports its progress', async () => {
    const events = createInMemoryEventStore();
    const tallies = createCommandHandler(tally, { store: events });
    for (let i = 0; i < 12; i += 1) await tallies.handle('t', { type: 'Count', data: {} });
    const counts = defineProjection({
      name: 'counts',
      partitions: 1,
      sources: [tally],
      documentId: (event) => event.streamId,
      evolve: (doc: { n: number } | null) => ({ n: (doc?.n ?? 0) + 1 }),
    });
    const runner = createProjectionRunner({
      source: createStoreEventSource(events),
      store: createInMemoryReadStore(),
      projections: [counts],
      batchSize: 1,
      rebuildTraceEvery: 5,
    });
    runners.push(runner);
    await runner.catchUp();
    const live = telemetry.spans().filter((span) => span.name === 'project counts');
    expect(live).toHaveLength(12);
    expect(live.every((span) => span.links.length === 1)).toBe(true);

    telemetry.reset();
    await runner.rebuild('counts');
    const rebuilt = telemetry.spans().filter((span) => span.name === 'project counts');
    expect(rebuilt.map((span) => span.attributes['ordo.batch.first_position'])).toEqual([1, 6, 11]);
    expect(rebuilt.every((span) => span.links.length === 0 && span.parentSpanContext === undefined)).toBe(true);
    expect(rebuilt.every((span) => span.attributes['ordo.projection.role'] === 'rebuilding')).toBe(true);
  });
});
