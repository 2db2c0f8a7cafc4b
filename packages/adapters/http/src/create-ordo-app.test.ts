import { createCommandHandler, createInMemoryEventStore } from '@ordo/core';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOrdoApp } from './create-ordo-app.js';
import { type RunningServer, startServer } from './start-server.js';
import { account } from './test-support/account.js';

const balances = {
  name: 'balances',
  indexes: { owner: 'string', balance: 'number' },
  document: z.object({ owner: z.string(), balance: z.number() }),
} as const;
const unusedReader = {
  get: async () => undefined,
  find: async () => ({ items: [] }),
};

let server: RunningServer;
beforeAll(async () => {
  const accounts = createCommandHandler(account, { store: createInMemoryEventStore() });
  const app = createOrdoApp({
    commands: [{ handler: accounts, paths: { Withdraw: '/branches/:branch/accounts/:id{[0-9]+}/withdrawals' } }],
    queries: [{ projection: balances, store: unusedReader, maxLimit: 25 }],
    openapi: { title: 'Bank', version: '2.0.0' },
  });
  server = await startServer(app);
});
afterAll(async () => {
  await server.close();
});

describe('createOrdoApp', () => {
  it('serves an OpenAPI 3.1 document generated from the zod schemas', async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      info: unknown;
      paths: Record<string, Record<string, { requestBody?: any; parameters?: any[]; responses: any }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toEqual({ title: 'Bank', version: '2.0.0' });
    const deposit = document.paths['/accounts/{id}/commands/deposit']?.post;
    expect(deposit?.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { amount: { type: 'integer', exclusiveMinimum: 0 } },
      required: ['amount'],
    });
    expect(Object.keys(deposit?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '409', '412', '413', '415', '422', '500']),
    );
    const withdraw = document.paths['/branches/{branch}/accounts/{id}/withdrawals']?.post;
    expect(
      withdraw?.parameters?.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name),
    ).toEqual(['branch', 'id']);
    expect(document.paths['/accounts/{id}/commands/open-account']?.post).toBeDefined();
    const list = document.paths['/balances']?.get;
    const names = list?.parameters?.map((parameter: { name: string }) => parameter.name);
    expect(names).toEqual(
      expect.arrayContaining(['filter[owner]', 'filter[balance][gte]', 'sort', 'limit', 'cursor', 'after']),
    );
    expect(list?.parameters?.find((p: { name: string }) => p.name === 'limit').schema.maximum).toBe(25);
    expect(document.paths['/balances/{id}']?.get?.responses['200'].content['application/json'].schema).toMatchObject({
      properties: { owner: { type: 'string' } },
    });
    expect(document.paths['/health']?.get).toBeDefined();
    expect(document.paths['/ready']?.get).toBeDefined();
  });

  it('answers /health for liveness', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers a wrong method on a known path with a 404 problem', async () => {
    const response = await fetch(`${server.url}/accounts/1/commands/deposit`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('mounts inside a user app under a prefix', async () => {
    const outer = new Hono();
    outer.route('/api', createOrdoApp({ openapi: false }));
    const own = await startServer(outer);
    try {
      expect((await fetch(`${own.url}/api/health`)).status).toBe(200);
      expect((await fetch(`${own.url}/api/openapi.json`)).status).toBe(404);
    } finally {
      await own.close();
    }
  });
});
