import { createInMemoryEventStore } from '@ordo/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createInMemoryDeadLetterStore } from './in-memory-dead-letter-store.js';
import { createInMemoryReadStore } from './in-memory-read-store.js';
import { fromEvents } from './projection.js';
import { createProjectionRunner, type ProjectionRunner } from './projection-runner.js';
import { defineReactor } from './reactor.js';
import { upsert } from './read-model-operation.js';
import { createStoreEventSource } from './store-event-source.js';

const orders = fromEvents({
  OrderPlaced: z.object({ sku: z.string() }),
  OrderCancelled: z.object({}),
});

const runners: ProjectionRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
});

function setup(react: (event: { id: string; streamId: string; data: { sku: string } }) => Promise<void>) {
  const events = createInMemoryEventStore();
  const store = createInMemoryReadStore();
  const deadLetters = createInMemoryDeadLetterStore();
  const reactor = defineReactor({
    name: 'shipping',
    partitions: 2,
    sources: [orders],
    handlers: {
      OrderPlaced: async (event) => {
        await react(event);
        return upsert(event.streamId, { sku: event.data.sku, shippedBy: event.id });
      },
    },
  });
  const runner = createProjectionRunner({
    source: createStoreEventSource(events),
    store,
    deadLetters,
    projections: [reactor],
    retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
  });
  runners.push(runner);
  return { events, store, runner };
}

describe('defineReactor', () => {
  it('awaits each async handler in stream order and commits its operations', async () => {
    const seen: string[] = [];
    const { events, store, runner } = setup(async (event) => {
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(`${event.streamId}:${event.data.sku}`);
    });
    await events.appendToStream('order-1', [
      { type: 'OrderPlaced', data: { sku: 'a' } },
      { type: 'OrderCancelled', data: {} },
      { type: 'OrderPlaced', data: { sku: 'b' } },
    ]);
    await runner.catchUp();
    expect(seen).toEqual(['order-1:a', 'order-1:b']);
    expect((await store.get('shipping', 'order-1'))?.document).toMatchObject({ sku: 'b' });
  });

  it('commits the checkpoint only after the handler has settled', async () => {
    let release: () => void = () => {};
    let entered: () => void = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const { events, store, runner } = setup(async () => {
      entered();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await runner.start();
    const { position } = await events.appendToStream('order-7', [{ type: 'OrderPlaced', data: { sku: 'x' } }]);
    await inside;
    expect(Math.max(0, ...(await store.checkpoints.load('shipping_v1')).values())).toBeLessThan(position);
    expect(await store.get('shipping', 'order-7')).toBeUndefined();
    release();
    expect(await runner.waitFor('shipping', position, { timeoutMs: 2_000 })).toMatchObject({ status: 'reached' });
    expect(Math.max(...(await store.checkpoints.load('shipping_v1')).values())).toBe(position);
  });

  it('retries a failing handler, then parks its event with the error', async () => {
    let calls = 0;
    const { events, runner } = setup(async (event) => {
      calls += 1;
      if (event.data.sku === 'bad') throw new Error('carrier down');
    });
    await events.appendToStream('order-9', [{ type: 'OrderPlaced', data: { sku: 'bad' } }]);
    await runner.catchUp();
    expect(calls).toBe(2);
    const [parked] = await runner.listParked('shipping');
    expect(parked?.error.message).toBe('carrier down');
    expect((await runner.status('shipping')).parked).toBe(1);
  });

  it('reacts to the keys of one partition concurrently, each key in order', async () => {
    const events = createInMemoryEventStore();
    let inFlight = 0;
    let overlap = 0;
    const order: string[] = [];
    const reactor = defineReactor({
      name: 'shipping_fan',
      partitions: 1,
      sources: [orders],
      handlers: {
        OrderPlaced: async (event) => {
          inFlight += 1;
          overlap = Math.max(overlap, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push(`${event.streamId}:${event.data.sku}`);
          inFlight -= 1;
        },
      },
    });
    const runner = createProjectionRunner({
      source: createStoreEventSource(events),
      store: createInMemoryReadStore(),
      deadLetters: createInMemoryDeadLetterStore(),
      projections: [reactor],
    });
    runners.push(runner);
    for (const sku of ['a', 'b', 'c']) {
      for (let n = 0; n < 4; n += 1)
        await events.appendToStream(`order-${n}`, [{ type: 'OrderPlaced', data: { sku } }]);
    }
    await runner.catchUp();
    expect(overlap).toBeGreaterThan(1);
    for (let n = 0; n < 4; n += 1) {
      expect(order.filter((entry) => entry.startsWith(`order-${n}:`))).toEqual([
        `order-${n}:a`,
        `order-${n}:b`,
        `order-${n}:c`,
      ]);
    }
  });

  it('handles one event at a time with concurrency 1', async () => {
    const events = createInMemoryEventStore();
    let inFlight = 0;
    let overlap = 0;
    const reactor = defineReactor({
      name: 'shipping_serial',
      partitions: 1,
      concurrency: 1,
      sources: [orders],
      handlers: {
        OrderPlaced: async () => {
          inFlight += 1;
          overlap = Math.max(overlap, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 2));
          inFlight -= 1;
        },
      },
    });
    const runner = createProjectionRunner({
      source: createStoreEventSource(events),
      store: createInMemoryReadStore(),
      deadLetters: createInMemoryDeadLetterStore(),
      projections: [reactor],
    });
    runners.push(runner);
    for (let n = 0; n < 4; n += 1)
      await events.appendToStream(`order-${n}`, [{ type: 'OrderPlaced', data: { sku: 'a' } }]);
    await runner.catchUp();
    expect(overlap).toBe(1);
  });
});
