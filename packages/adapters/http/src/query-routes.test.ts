import { createInMemoryReadStore, type ReadStore } from '@ordo/projections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrdoApp } from './create-ordo-app.js';
import { type RunningServer, startServer } from './start-server.js';

const collection = 'balances_v1';
const projection = { name: 'balances', indexes: { owner: 'string', balance: 'number', vip: 'boolean' } } as const;

let store: ReadStore;
let server: RunningServer;
let position = 0;
const findCalls: unknown[] = [];

async function put(id: string, document: Record<string, unknown>): Promise<number> {
  position += 1;
  await store.commit({ collection, partition: 0, operations: [{ type: 'upsert', id, document, position }] });
  return position;
}

beforeAll(async () => {
  store = createInMemoryReadStore();
  await store.ensureCollection(collection, { indexes: projection.indexes });
  await store.switchAlias('balances', collection);
  // Observes what reaches the store, to prove rejected queries never do.
  const observed: ReadStore = {
    ...store,
    find: (name, query) => {
      findCalls.push(query);
      return store.find(name, query);
    },
  };
  server = await startServer(createOrdoApp({ queries: [{ projection, store: observed, maxLimit: 10 }] }));
});
afterAll(async () => {
  await server.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code });
  return body;
}

type Page = { items: { id: string; position: number; document: Record<string, unknown> }[]; nextCursor?: string };

describe('query routes: get by id', () => {
  it('answers the document with a weak ETag from its position when its stream version is unknown', async () => {
    const at = await put('g-1', { owner: 'ada', balance: 5, vip: false });
    const response = await get('/balances/g-1');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('etag')).toBe(`W/"p${at}"`);
    expect(await response.json()).toEqual({ owner: 'ada', balance: 5, vip: false });
  });

  it('answers 304 for a matching If-None-Match, and 200 again once the document changed', async () => {
    const at = await put('g-2', { owner: 'bo', balance: 1, vip: false });
    const cached = await get('/balances/g-2', { 'if-none-match': `W/"p${at}"` });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
    expect(cached.headers.get('etag')).toBe(`W/"p${at}"`);
    expect((await get('/balances/g-2', { 'if-none-match': `"p${at}"` })).status).toBe(304);
    const later = await put('g-2', { owner: 'bo', balance: 2, vip: false });
    const fresh = await get('/balances/g-2', { 'if-none-match': `W/"p${at}", "nope"` });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe(`W/"p${later}"`);
    expect(await fresh.json()).toMatchObject({ balance: 2 });
  });

  it('answers 404 for an unknown document', async () => {
    await expectProblem(await get('/balances/nobody'), 404, 'DOCUMENT_NOT_FOUND');
  });

  it('refuses an id that breaks the id rule with 400 INVALID_ID', async () => {
    await expectProblem(await get(`/balances/${'x'.repeat(101)}`), 400, 'INVALID_ID');
    await expectProblem(await get('/balances/a%00b'), 400, 'INVALID_ID');
    await expectProblem(await get(`/balances/${'x'.repeat(100)}`), 404, 'DOCUMENT_NOT_FOUND');
  });

  it('refuses a read-your-writes token when no runner is wired', async () => {
    await expectProblem(await get('/balances/g-1?after=1'), 400, 'INVALID_QUERY');
    await expectProblem(await get('/balances/g-1', { 'ordo-after-position': 'soon' }), 400, 'INVALID_HEADER');
  });
});

describe('query routes: list', () => {
  beforeAll(async () => {
    for (let i = 0; i < 12; i += 1)
      await put(`l-${String(i).padStart(2, '0')}`, { owner: 'list', balance: i * 10, vip: i % 3 === 0 });
  });

  it('filters on indexed fields, sorts and pages with a cursor', async () => {
    const first = (await (
      await get('/balances?filter[owner]=list&filter[balance][gte]=30&sort=-balance&limit=4')
    ).json()) as Page;
    expect(first.items.map((item) => item.document.balance)).toEqual([110, 100, 90, 80]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await (
      await get(`/balances?filter[owner]=list&filter[balance][gte]=30&sort=-balance&limit=4&cursor=${first.nextCursor}`)
    ).json()) as Page;
    expect(second.items.map((item) => item.document.balance)).toEqual([70, 60, 50, 40]);
    const where = encodeURIComponent(JSON.stringify({ owner: 'list', vip: true, balance: { in: [0, 30, 60] } }));
    const vip = (await (await get(`/balances?where=${where}&sort=balance`)).json()) as Page;
    expect(vip.items.map((item) => item.id)).toEqual(['l-00', 'l-03', 'l-06']);
  });

  it('neither repeats nor skips documents when others are inserted between pages', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let inserted = 0;
    do {
      const page = (await (
        await get(`/balances?filter[owner]=list&sort=balance&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()) as Page;
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      // Concurrent writers land on both sides of the cursor.
      await put(`l-new-low-${inserted}`, { owner: 'list', balance: -1 - inserted, vip: false });
      await put(`l-new-high-${inserted}`, { owner: 'list', balance: 1000 + inserted, vip: false });
      inserted += 1;
    } while (cursor !== undefined);
    const original = Array.from({ length: 12 }, (_, i) => `l-${String(i).padStart(2, '0')}`);
    expect(seen.filter((id) => id.startsWith('l-0') || id.startsWith('l-1'))).toEqual(original);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.some((id) => id.startsWith('l-new-low'))).toBe(false);
  });

  it('caps the page size', async () => {
    await expectProblem(await get('/balances?limit=11'), 400, 'INVALID_QUERY');
    expect(((await (await get('/balances?limit=10')).json()) as Page).items).toHaveLength(10);
  });

  it('rejects undeclared fields, unknown operators and injection attempts before they reach the store', async () => {
    const before = findCalls.length;
    const attempts = [
      '/balances?filter[secret]=1',
      '/balances?filter[balance][$gt]=1',
      '/balances?filter[balance][regex]=1',
      '/balances?filter[__proto__][admin]=true',
      '/balances?filter[constructor]=x',
      `/balances?where=${encodeURIComponent('{"$where":"sleep(5000)"}')}`,
      `/balances?where=${encodeURIComponent('{"__proto__":{"admin":true}}')}`,
      `/balances?where=${encodeURIComponent('{"owner":{"$ne":null}}')}`,
      `/balances?where=${encodeURIComponent('{"balance":{"gte":"1"}}')}`,
      '/balances?sort=-secret',
      '/balances?$where=1',
    ];
    for (const attempt of attempts) {
      const body = await expectProblem(await get(attempt), 400, 'INVALID_QUERY');
      expect(body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]));
    }
    expect(findCalls.length).toBe(before);
  });

  it('caps filter[x][in] at 100 values and says so', async () => {
    const values = (count: number) => Array.from({ length: count }, (_, i) => `o${i}`).join(',');
    expect((await get(`/balances?filter[owner][in]=${values(100)}`)).status).toBe(200);
    const body = await expectProblem(await get(`/balances?filter[owner][in]=${values(101)}`), 400, 'INVALID_QUERY');
    expect(body.issues).toEqual([{ path: ['filter', 'owner', 'in'], message: 'accepts at most 100 values, got 101' }]);
  });

  it('rejects a forged cursor with 400', async () => {
    const forged = Buffer.from(JSON.stringify(['owner', 'asc', 'x', 'y'])).toString('base64url');
    await expectProblem(await get(`/balances?sort=-balance&cursor=${forged}`), 400, 'INVALID_QUERY');
  });
});
