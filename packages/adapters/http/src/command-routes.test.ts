import { gzipSync } from 'node:zlib';
import { createCommandHandler, createInMemoryEventStore, type EventStore } from '@ordo/core';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandRoutes } from './command-routes.js';
import { createOrdoApp } from './create-ordo-app.js';
import { type RunningServer, startServer } from './start-server.js';
import { account } from './test-support/account.js';

let store: EventStore;
let server: RunningServer;
const unexpected: unknown[] = [];

beforeAll(async () => {
  store = createInMemoryEventStore();
  const accounts = createCommandHandler(account, { store });
  const app = createOrdoApp({
    commands: [accounts],
    bodyLimit: 1024,
    onUnexpectedError: (error) => unexpected.push(error),
  });
  server = await startServer(app);
});
afterAll(async () => {
  await server.close();
});

let nextId = 0;
const freshId = () => `acc-${++nextId}`;

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function openAccount(): Promise<string> {
  const id = freshId();
  const response = await post(`/accounts/${id}/commands/open-account`, { owner: 'ada' });
  expect(response.status).toBe(200);
  return id;
}

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code, type: expect.stringMatching(/^urn:ordo:problem:/) });
  return body;
}

describe('command routes over HTTP', () => {
  it('handles a command and answers with version, position, ETag and Ordo-Position', async () => {
    const id = await openAccount();
    const response = await post(`/accounts/${id}/commands/deposit`, { amount: 50 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { streamVersion: number; position: number };
    expect(body).toMatchObject({ id, streamId: `account-${id}`, streamVersion: 2, deduplicated: false });
    expect(response.headers.get('etag')).toBe('"2"');
    expect(response.headers.get('ordo-position')).toBe(String(body.position));
    expect(body.position).toBe(await store.headPosition());
  });

  it('derives kebab-case paths from command types', async () => {
    const response = await post(`/accounts/${freshId()}/commands/OpenAccount`, { owner: 'ada' });
    await expectProblem(response, 404, 'ROUTE_NOT_FOUND');
  });

  it('serves only the listed command types, in routes and in the OpenAPI document', async () => {
    const handler = createCommandHandler(account, { store });
    const app = createOrdoApp({ commands: [{ handler, only: ['OpenAccount'] }] });
    const limited = await startServer(app);
    try {
      const opened = await fetch(`${limited.url}/accounts/${freshId()}/commands/open-account`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ owner: 'ada' }),
      });
      expect(opened.status).toBe(200);
      const hidden = await fetch(`${limited.url}/accounts/${freshId()}/commands/deposit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 5 }),
      });
      expect(hidden.status).toBe(404);
      const openapi = (await (await fetch(`${limited.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(openapi.paths).filter((path) => path.includes('/commands/'))).toEqual([
        '/accounts/{id}/commands/open-account',
      ]);
    } finally {
      await limited.close();
    }
    expect(() => createOrdoApp({ commands: [{ handler, only: ['Transfer'] }] })).toThrow(/no command Transfer/);
  });

  it('answers a schema failure with 400 and the zod issues', async () => {
    const id = await openAccount();
    const body = await expectProblem(
      await post(`/accounts/${id}/commands/deposit`, { amount: -5 }),
      400,
      'INVALID_COMMAND',
    );
    expect(body.issues).toEqual([expect.objectContaining({ path: ['amount'], code: 'too_small' })]);
  });

  it('answers a domain rejection with 422 and the domain code', async () => {
    const id = await openAccount();
    const body = await expectProblem(
      await post(`/accounts/${id}/commands/withdraw`, { amount: 5 }),
      422,
      'INSUFFICIENT_FUNDS',
    );
    expect(body).toMatchObject({ type: 'urn:ordo:problem:domain-rejection', details: { balance: 0 } });
  });

  it('maps If-Match to the expected version: a match writes, a stale one is a 412 naming the current version', async () => {
    const id = await openAccount();
    const ok = await post(`/accounts/${id}/commands/deposit`, { amount: 1 }, { 'if-match': '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    const stale = await post(`/accounts/${id}/commands/deposit`, { amount: 1 }, { 'if-match': '"1"' });
    const body = await expectProblem(stale, 412, 'PRECONDITION_FAILED');
    expect(body.currentVersion).toBe(2);
    expect(stale.headers.get('etag')).toBe('"2"');
    const weak = await post(`/accounts/${id}/commands/deposit`, { amount: 1 }, { 'if-match': 'W/"2"' });
    await expectProblem(weak, 412, 'PRECONDITION_FAILED');
    const versionAfter = (await (await post(`/accounts/${id}/commands/deposit`, { amount: 1 })).json()) as {
      streamVersion: number;
    };
    expect(versionAfter.streamVersion).toBe(3);
  });

  it('rejects an If-Match that is not an entity tag with 400', async () => {
    const id = await openAccount();
    await expectProblem(
      await post(`/accounts/${id}/commands/deposit`, { amount: 1 }, { 'if-match': '2' }),
      400,
      'INVALID_HEADER',
    );
  });

  it('answers a version conflict without If-Match with 409 once retries are spent', async () => {
    const real = createInMemoryEventStore();
    // A real competing writer: before each of our appends, another one lands on the same stream.
    const contended: EventStore = {
      ...real,
      appendToStream: async (streamId, events, options) => {
        await real.appendToStream(streamId, [{ type: 'MoneyDeposited', data: { amount: 1 } }]);
        return real.appendToStream(streamId, events, options);
      },
    };
    await real.appendToStream('account-x', [{ type: 'AccountOpened', data: { owner: 'ada' } }]);
    const handler = createCommandHandler(account, { store: contended, retry: { maxAttempts: 2, initialDelayMs: 1 } });
    const own = await startServer(createOrdoApp({ commands: [handler] }));
    try {
      const response = await fetch(`${own.url}/accounts/x/commands/deposit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 5 }),
      });
      const body = await expectProblem(response, 409, 'CONCURRENCY_CONFLICT');
      expect(body).toMatchObject({ expectedVersion: 2, currentVersion: 3 });
    } finally {
      await own.close();
    }
  });

  it('returns the first result for a repeated Idempotency-Key without writing again', async () => {
    const id = await openAccount();
    const first = await post(`/accounts/${id}/commands/deposit`, { amount: 10 }, { 'idempotency-key': 'k-1' });
    const firstBody = (await first.json()) as Record<string, unknown>;
    const head = await store.headPosition();
    const again = await post(`/accounts/${id}/commands/deposit`, { amount: 10 }, { 'idempotency-key': 'k-1' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...firstBody, deduplicated: true });
    expect(again.headers.get('ordo-position')).toBe(first.headers.get('ordo-position'));
    expect(await store.headPosition()).toBe(head);
  });

  it('rejects an Idempotency-Key that is empty or not visible ASCII with 400', async () => {
    const id = await openAccount();
    const tooLong = await post(
      `/accounts/${id}/commands/deposit`,
      { amount: 1 },
      { 'idempotency-key': 'k'.repeat(256) },
    );
    await expectProblem(tooLong, 400, 'INVALID_HEADER');
    const spaced = await post(`/accounts/${id}/commands/deposit`, { amount: 1 }, { 'idempotency-key': 'a b' });
    await expectProblem(spaced, 400, 'INVALID_HEADER');
  });

  it('drops prototype keys from a command body instead of letting them reach the events', async () => {
    const id = await openAccount();
    const body = '{"amount": 5, "__proto__": {"admin": true}, "constructor": {"prototype": {"admin": true}}}';
    const response = await post(`/accounts/${id}/commands/deposit`, body);
    expect(response.status).toBe(200);
    const events = [];
    for await (const event of store.readStream(`account-${id}`)) events.push(event);
    expect(events.at(-1)?.data).toEqual({ amount: 5 });
    expect(Object.getOwnPropertyNames(events.at(-1)?.data)).toEqual(['amount']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('rejects malformed JSON with 400', async () => {
    const id = await openAccount();
    await expectProblem(await post(`/accounts/${id}/commands/deposit`, '{"amount": 1'), 400, 'MALFORMED_JSON');
  });

  it('rejects a body that is not JSON with 415', async () => {
    const id = await openAccount();
    const response = await post(`/accounts/${id}/commands/deposit`, 'amount=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    await expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts application/*+json with a charset', async () => {
    const id = await openAccount();
    const response = await post(
      `/accounts/${id}/commands/deposit`,
      { amount: 3 },
      {
        'content-type': 'application/vnd.ordo+json; charset=utf-8',
      },
    );
    expect(response.status).toBe(200);
  });

  it('rejects a body over the limit with 413 from its Content-Length', async () => {
    const id = await openAccount();
    const response = await post(`/accounts/${id}/commands/open-account`, { owner: 'x'.repeat(5000) });
    await expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('rejects a chunked body with 413 once it crosses the limit, without waiting for the rest', async () => {
    const id = await openAccount();
    let chunksPulled = 0;
    // A body that never ends: only a limit enforced while reading can answer it.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        chunksPulled += 1;
        controller.enqueue(new TextEncoder().encode(chunksPulled === 1 ? '{"owner":"' : 'x'.repeat(256)));
      },
    });
    const response = await fetch(`${server.url}/accounts/${id}/commands/open-account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: endless,
      duplex: 'half',
    } as RequestInit);
    const body = await expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(body.limit).toBe(1024);
  });

  it('answers an unexpected failure with 500 and reveals nothing of it', async () => {
    const id = await openAccount();
    const response = await post(`/accounts/${id}/commands/explode`, {});
    const body = await expectProblem(response, 500, 'INTERNAL_ERROR');
    expect(JSON.stringify(body)).not.toMatch(/hunter2|stack|Error:/);
    expect(unexpected.at(-1)).toBeInstanceOf(Error);
  });

  it('answers an unknown route with a 404 problem', async () => {
    await expectProblem(await fetch(`${server.url}/nowhere`), 404, 'ROUTE_NOT_FOUND');
  });
});

describe('createCommandRoutes', () => {
  it('mounts on a user app, with user-chosen paths, and still answers problems', async () => {
    const store = createInMemoryEventStore();
    const app = new Hono();
    app.get('/mine', (c) => c.text('mine'));
    app.route(
      '/api',
      createCommandRoutes(createCommandHandler(account, { store }), { paths: { OpenAccount: '/open/:id' } }),
    );
    const own = await startServer(app);
    try {
      const opened = await fetch(`${own.url}/api/open/7`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"owner":"bo"}',
      });
      expect(opened.status).toBe(200);
      const rejected = await fetch(`${own.url}/api/accounts/7/commands/withdraw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"amount":1}',
      });
      await expectProblem(rejected, 422, 'INSUFFICIENT_FUNDS');
      expect(await (await fetch(`${own.url}/mine`)).text()).toBe('mine');
    } finally {
      await own.close();
    }
  });

  it('refuses a custom path without :id', () => {
    const handler = createCommandHandler(account, { store: createInMemoryEventStore() });
    expect(() => createCommandRoutes(handler, { paths: { Deposit: '/deposit' } })).toThrow(/:id/);
  });
});

describe('command routes at the HTTP edge', () => {
  it('refuses an Idempotency-Key reused with another command or body with 422 naming the key', async () => {
    const id = await openAccount();
    await post(`/accounts/${id}/commands/deposit`, { amount: 10 }, { 'idempotency-key': 'reuse-1' });
    const head = await store.headPosition();
    const withdraw = await post(`/accounts/${id}/commands/withdraw`, { amount: 10 }, { 'idempotency-key': 'reuse-1' });
    const problem = await expectProblem(withdraw, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(problem).toMatchObject({ idempotencyKey: 'reuse-1', detail: expect.stringContaining('reuse-1') });
    const otherBody = await post(`/accounts/${id}/commands/deposit`, { amount: 99 }, { 'idempotency-key': 'reuse-1' });
    await expectProblem(otherBody, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await store.headPosition()).toBe(head);
    // The same request with its keys in another order is the same request.
    const same = await post(`/accounts/${id}/commands/deposit`, '{ "amount" : 10 }', { 'idempotency-key': 'reuse-1' });
    expect(await same.json()).toMatchObject({ deduplicated: true });
  });

  it('tells exactly one of racing copies of a keyed command that it wrote', async () => {
    const id = await openAccount();
    const copies = await Promise.all(
      Array.from({ length: 8 }, () =>
        post(`/accounts/${id}/commands/deposit`, { amount: 7 }, { 'idempotency-key': 'race-1' }).then(
          (response) => response.json() as Promise<{ deduplicated: boolean; position: number }>,
        ),
      ),
    );
    expect(copies.filter((copy) => !copy.deduplicated)).toHaveLength(1);
    expect(new Set(copies.map((copy) => copy.position)).size).toBe(1);
  });

  it('keeps one id rule on every route: 1 to 100 characters, no control characters', async () => {
    const longest = 'x'.repeat(100);
    expect((await post(`/accounts/${longest}/commands/open-account`, { owner: 'ada' })).status).toBe(200);
    const tooLong = await post(`/accounts/${'x'.repeat(10_000)}/commands/open-account`, { owner: 'ada' });
    expect((await expectProblem(tooLong, 400, 'INVALID_ID')).detail).toMatch(/at most 100 characters/);
    await expectProblem(await post('/accounts/a%00b/commands/open-account', { owner: 'ada' }), 400, 'INVALID_ID');
  });

  it('answers a 413 that a fetch client still sending its body can read', async () => {
    const id = await openAccount();
    // 200 KiB against a 1 KiB limit, sent with a Content-Length: the server answers before reading it.
    const response = await post(`/accounts/${id}/commands/open-account`, { owner: 'x'.repeat(200 * 1024) });
    const body = await expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(body.limit).toBe(1024);
    expect(response.headers.get('connection')).not.toBe('close');
  });

  it('refuses a gzip-encoded body with 415 instead of misreading it', async () => {
    const id = await openAccount();
    const response = await fetch(`${server.url}/accounts/${id}/commands/deposit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ amount: 5 })),
    });
    const body = await expectProblem(response, 415, 'UNSUPPORTED_CONTENT_ENCODING');
    expect(body.contentEncoding).toBe('gzip');
    expect(response.headers.get('accept-encoding')).toBe('identity');
  });

  it('answers a weak query ETag in If-Match with a 412 that names the stream version to send', async () => {
    const id = await openAccount();
    const response = await post(`/accounts/${id}/commands/deposit`, { amount: 5 }, { 'if-match': 'W/"p7"' });
    const body = await expectProblem(response, 412, 'PRECONDITION_FAILED');
    expect(body.detail).toMatch(/W\/"p7" is not a stream version.*If-Match: "1"/);
  });
});
