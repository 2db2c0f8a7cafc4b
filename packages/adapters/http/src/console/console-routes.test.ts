import { createInMemoryEventStore } from '@ordo/core';
import { createInMemoryReadStore, createProjectionRunner, createStoreEventSource } from '@ordo/projections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdoApp } from '../create-ordo-app.js';
import { type RunningServer, startServer } from '../start-server.js';
import { balances } from '../test-support/balances.js';

const events = createInMemoryEventStore();
const readStore = createInMemoryReadStore();
const runner = createProjectionRunner({
  source: createStoreEventSource(events),
  store: readStore,
  projections: [balances],
});
const servers: RunningServer[] = [];
let off: RunningServer;
let guarded: RunningServer;

beforeAll(async () => {
  await events.appendToStream('account-ann', [
    { type: 'AccountOpened', data: { owner: 'Ann' }, metadata: { correlationId: 'c-1' } },
    { type: 'MoneyDeposited', data: { amount: 5 }, metadata: { correlationId: 'c-1' } },
  ]);
  await events.appendToStream('account-bo', [
    { type: 'AccountOpened', data: { owner: 'Bo' }, metadata: { correlationId: 'c-2' } },
  ]);
  await runner.start();
  off = await startServer(createOrdoApp({ runner }));
  guarded = await startServer(
    createOrdoApp({
      runner,
      console: {
        events,
        processes: [{ name: 'balances', store: readStore }],
        guard: async (c, next) => {
          if (c.req.header('authorization') !== 'Bearer operator') return c.json({ code: 'UNAUTHORISED' }, 401);
          await next();
        },
      },
    }),
  );
  servers.push(off, guarded);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await runner.stop();
});

const operator = { authorization: 'Bearer operator' };
const action = { ...operator, 'content-type': 'application/json', 'ordo-console-action': '1' };

describe('the console routes', () => {
  it('are not served at all unless the app enables them', async () => {
    for (const path of ['/console', '/console/', '/console/assets/console.js', '/console/api/projections']) {
      const response = await fetch(`${off.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('run the guard before every page and API route', async () => {
    for (const path of [
      '/console/',
      '/console/assets/console.js',
      '/console/api/live',
      '/console/api/streams/account-ann',
    ]) {
      expect((await fetch(`${guarded.url}${path}`)).status, path).toBe(401);
    }
  });

  it('serve the built page under a strict content security policy, redirecting to the trailing slash', async () => {
    const bare = await fetch(`${guarded.url}/console`, { headers: operator, redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/console/');
    const page = await fetch(`${guarded.url}/console/`, { headers: operator });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('assets/console.js');
    const script = await fetch(`${guarded.url}/console/assets/console.js`, { headers: operator });
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${guarded.url}/console/assets/secrets.json`, { headers: operator })).status).toBe(404);
  });

  it('refuse actions without the console header, from another origin or a cross-site fetch', async () => {
    const rebuild = (headers: Record<string, string>) =>
      fetch(`${guarded.url}/console/api/projections/balances/rebuild`, { method: 'POST', headers, body: '{}' });
    const refusals = [
      await rebuild({ ...operator, 'content-type': 'application/json' }),
      await rebuild({ ...action, origin: 'https://elsewhere.example' }),
      await rebuild({ ...action, 'sec-fetch-site': 'cross-site' }),
    ];
    for (const refused of refusals) {
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(((await refused.json()) as { code: string }).code).toBe('CONSOLE_ACTION_REFUSED');
    }
    expect((await fetch(`${guarded.url}/console/api/projections/balances/rebuild`, { headers: operator })).status).toBe(
      404,
    );
  });

  it('start a rebuild from the console itself', async () => {
    const response = await fetch(`${guarded.url}/console/api/projections/balances/rebuild`, {
      method: 'POST',
      headers: { ...action, origin: guarded.url },
      body: '{}',
    });
    expect(response.status).toBe(202);
    await runner.catchUp();
  });

  it('page through a stream newest first', async () => {
    const first = await fetch(`${guarded.url}/console/api/streams/account-ann?limit=1`, { headers: operator });
    const page = (await first.json()) as { items: { streamVersion: number }[]; nextFrom?: number };
    expect(page.items.map((event) => event.streamVersion)).toEqual([2]);
    expect(page.nextFrom).toBe(1);
    const second = await fetch(`${guarded.url}/console/api/streams/account-ann?limit=1&from=1`, { headers: operator });
    expect(await second.json()).toMatchObject({ items: [{ streamVersion: 1 }] });
    const invalid = await fetch(`${guarded.url}/console/api/streams/account-ann?limit=0`, { headers: operator });
    expect(invalid.status).toBe(400);
  });

  it('find the events of one correlation id across the scanned log', async () => {
    const response = await fetch(`${guarded.url}/console/api/correlations/c-1`, { headers: operator });
    const found = (await response.json()) as { events: { type: string }[]; scannedFrom: number; headPosition: number };
    expect(found.events.map((event) => event.type)).toEqual(['AccountOpened', 'MoneyDeposited']);
    expect(found).toMatchObject({ scannedFrom: 1, headPosition: 3 });
  });

  it('stream the global log as server-sent events, from the newest events on', async () => {
    const controller = new AbortController();
    const response = await fetch(`${guarded.url}/console/api/tail?after=2`, {
      headers: operator,
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('event: event');
    expect(text).toContain('id: 3');
    expect(text).toContain('"streamId":"account-bo"');
  });

  it('list a process manager named to the console, and no other', async () => {
    const listed = await fetch(`${guarded.url}/console/api/processes/balances`, { headers: operator });
    expect(((await listed.json()) as { items: unknown[] }).items).toHaveLength(2);
    expect((await fetch(`${guarded.url}/console/api/processes/other`, { headers: operator })).status).toBe(404);
  });
});
