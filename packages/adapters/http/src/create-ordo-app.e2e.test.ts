import { createCommandHandler, createInMemoryEventStore, type EventStore } from '@ordo/core';
import {
  createInMemoryReadStore,
  createProjectionRunner,
  createStoreEventSource,
  type ProjectionRunner,
} from '@ordo/projections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdoApp } from './create-ordo-app.js';
import { type RunningServer, startServer } from './start-server.js';
import { account } from './test-support/account.js';
import { balances, poison } from './test-support/balances.js';
import { delayedSource } from './test-support/delayed-source.js';

interface Stack {
  readonly events: EventStore;
  readonly runner: ProjectionRunner;
  readonly server: RunningServer;
}

async function startStack(options: { maxReadyLag?: number; waitTimeoutMs?: number } = {}): Promise<Stack> {
  const events = createInMemoryEventStore();
  const store = createInMemoryReadStore();
  const runner = createProjectionRunner({
    // Batches arrive late, so a query that does not wait for its token would miss the write.
    source: delayedSource(createStoreEventSource(events), 15),
    store,
    projections: [balances],
    retry: { maxAttempts: 1, initialDelayMs: 1 },
  });
  await runner.start();
  const app = createOrdoApp({
    commands: [createCommandHandler(account, { store: events })],
    queries: [{ projection: balances, store, waitTimeoutMs: options.waitTimeoutMs ?? 5000 }],
    runner,
    operations: { checks: { events: () => events.headPosition() }, maxReadyLag: options.maxReadyLag ?? 1000 },
  });
  return { events, runner, server: await startServer(app) };
}

async function stopStack(stack: Stack): Promise<void> {
  await stack.server.close();
  await stack.runner.stop();
}

function command(stack: Stack, id: string, name: string, body: unknown) {
  return fetch(`${stack.server.url}/accounts/${id}/commands/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('Ordo app end to end (in-memory event store, projection runner and read store)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stopStack(stack);
  });

  it('a query carrying the position token always sees the write it follows', async () => {
    for (let i = 0; i < 40; i += 1) {
      const id = `ryw-${i}`;
      expect((await command(stack, id, 'open-account', { owner: `owner-${i}` })).status).toBe(200);
      const written = await command(stack, id, 'deposit', { amount: i + 1 });
      const token = written.headers.get('ordo-position') ?? '';
      const [byHeader, byQuery] = await Promise.all([
        fetch(`${stack.server.url}/balances/${id}`, { headers: { 'ordo-after-position': token } }),
        fetch(`${stack.server.url}/balances?filter[owner]=owner-${i}&after=${token}`),
      ]);
      expect(byHeader.status).toBe(200);
      expect(await byHeader.json()).toEqual({ owner: `owner-${i}`, balance: i + 1 });
      const page = (await byQuery.json()) as { items: { document: { balance: number } }[] };
      expect(page.items.map((item) => item.document.balance)).toEqual([i + 1]);
    }
  });

  it('reports readiness, and status and lag per partition', async () => {
    const ready = await fetch(`${stack.server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { events: { status: 'up' }, 'projection:balances': { status: 'up' } },
    });
    const status = (await (await fetch(`${stack.server.url}/projections/balances`)).json()) as {
      items: { collection: string; partitions: { partition: number; lag: number }[] }[];
    };
    expect(status.items[0]?.collection).toBe('balances_v1');
    expect(status.items[0]?.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    expect((await fetch(`${stack.server.url}/projections/nope`)).status).toBe(404);
    const metrics = await fetch(`${stack.server.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    for (let partition = 0; partition < 4; partition += 1) {
      expect(text).toMatch(
        new RegExp(
          `^ordo_projection_lag\\{projection="balances",version="1",role="serving",partition="${partition}"\\} \\d+$`,
          'm',
        ),
      );
    }
    expect(text).toMatch(
      /^ordo_projection_head_position\{projection="balances",version="1",role="serving"\} [1-9]\d*$/m,
    );
  });

  it('lists a parked event and applies it on retry', async () => {
    poison.amounts.add(13);
    try {
      await command(stack, 'dl', 'open-account', { owner: 'dl' });
      const poisoned = await command(stack, 'dl', 'deposit', { amount: 13 });
      const token = poisoned.headers.get('ordo-position') ?? '';
      // The partition parks the event and moves on, so waiting for the token still completes.
      expect((await fetch(`${stack.server.url}/balances/dl?after=${token}`)).status).toBe(200);
      const parked = (await (await fetch(`${stack.server.url}/projections/balances/dead-letters`)).json()) as {
        items: { position: number; error: { message: string } }[];
      };
      expect(parked.items).toEqual([expect.objectContaining({ position: Number(token) })]);
      expect(parked.items[0]?.error.message).toMatch(/poisoned/);
      poison.amounts.delete(13);
      const retried = await fetch(`${stack.server.url}/projections/balances/dead-letters/retry`, { method: 'POST' });
      expect(retried.status).toBe(200);
      expect(await retried.json()).toEqual({ applied: 1, stillParked: 0 });
      expect(await (await fetch(`${stack.server.url}/balances/dl`)).json()).toEqual({ owner: 'dl', balance: 13 });
      const after = (await (await fetch(`${stack.server.url}/projections/balances/dead-letters`)).json()) as {
        items: unknown[];
      };
      expect(after.items).toEqual([]);
    } finally {
      poison.amounts.delete(13);
    }
  });

  it('rejects bad dead-letter queries and retry bodies', async () => {
    const badQuery = await fetch(`${stack.server.url}/projections/balances/dead-letters?limit=1000`);
    expect(badQuery.status).toBe(400);
    const badBody = await fetch(`${stack.server.url}/projections/balances/dead-letters/retry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"$where":"1"}',
    });
    expect(badBody.status).toBe(400);
    expect(await badBody.json()).toMatchObject({ code: 'INVALID_BODY' });
  });
});

describe('Ordo app end to end: rebuilding a projection over HTTP', () => {
  it('rebuilds beside the live version, which keeps answering, then serves the rebuilt collection', async () => {
    const stack = await startStack();
    try {
      let lastPosition = 0;
      for (let i = 0; i < 30; i += 1) {
        expect((await command(stack, `rb-${i}`, 'open-account', { owner: `owner-${i}` })).status).toBe(200);
        const deposited = await command(stack, `rb-${i}`, 'deposit', { amount: i + 1 });
        lastPosition = Number(deposited.headers.get('ordo-position'));
      }
      expect(await stack.runner.waitFor('balances', lastPosition, { timeoutMs: 5000 })).toMatchObject({
        status: 'reached',
      });
      const live = stack.runner.statusAll();
      const servingBefore = (await live).find((status) => status.role === 'serving')?.collection;

      const started = await fetch(`${stack.server.url}/projections/balances/rebuild`, { method: 'POST' });
      expect(started.status).toBe(202);
      const { collection } = (await started.json()) as { collection: string };
      expect(collection).not.toBe(servingBefore);
      expect(collection).toMatch(/^balances_v1_r/);

      const again = await fetch(`${stack.server.url}/projections/balances/rebuild`, { method: 'POST' });
      if (again.status !== 202) expect(await again.json()).toMatchObject({ status: 409, code: 'REBUILD_IN_PROGRESS' });

      // Queries answer throughout, from whichever version is serving.
      let serving = servingBefore;
      for (let round = 0; serving !== collection && round < 400; round += 1) {
        const document = await fetch(`${stack.server.url}/balances/rb-7`);
        expect(document.status).toBe(200);
        expect(await document.json()).toMatchObject({ owner: 'owner-7', balance: 8 });
        serving = (await stack.runner.statusAll()).find((status) => status.role === 'serving')?.collection;
      }
      expect(serving).toBe(collection);
      expect(await (await fetch(`${stack.server.url}/balances/rb-29`)).json()).toMatchObject({ balance: 30 });

      const unknown = await fetch(`${stack.server.url}/projections/nope/rebuild`, { method: 'POST' });
      expect(unknown.status).toBe(404);
    } finally {
      await stopStack(stack);
    }
  });
});

describe('Ordo app end to end with a stopped runner', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ maxReadyLag: 0, waitTimeoutMs: 100 });
  });
  afterAll(async () => {
    await stopStack(stack);
  });

  it('answers 503 with Retry-After and the lag when the projection does not reach the token in time', async () => {
    await command(stack, 'late', 'open-account', { owner: 'late' });
    await stack.runner.stop();
    const written = await command(stack, 'late', 'deposit', { amount: 5 });
    const token = Number(written.headers.get('ordo-position'));
    const response = await fetch(`${stack.server.url}/balances/late?after=${token}`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    const body = (await response.json()) as { code: string; lag: { lag: number }[] };
    expect(body.code).toBe('PROJECTION_BEHIND');
    expect(body.lag.some((partition) => partition.lag > 0)).toBe(true);

    const ready = await fetch(`${stack.server.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      code: 'NOT_READY',
      checks: { 'projection:balances': { status: 'down' } },
    });
  });
});
