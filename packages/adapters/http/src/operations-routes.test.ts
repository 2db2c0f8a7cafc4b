import { DomainError } from '@ordo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperationsRoutes } from './operations-routes.js';
import { type RunningServer, startServer } from './start-server.js';

let healthy = true;
let server: RunningServer;
beforeAll(async () => {
  const app = createOperationsRoutes({
    checks: {
      events: async () => {
        if (!healthy) throw new Error('connect ECONNREFUSED mongodb://admin:s3cret@db');
      },
      typed: async () => {
        if (!healthy) throw new DomainError('STORE_CLOSED');
      },
      slow: () => (healthy ? Promise.resolve() : new Promise(() => undefined)),
    },
    checkTimeoutMs: 50,
  });
  server = await startServer(app);
});
afterAll(async () => {
  await server.close();
});

describe('operations routes', () => {
  it('answers liveness regardless of dependencies', async () => {
    healthy = false;
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when every probe answers', async () => {
    healthy = true;
    const response = await fetch(`${server.url}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { events: { status: 'up' }, typed: { status: 'up' }, slow: { status: 'up' } },
    });
  });

  it('is not ready when a probe fails or hangs, and reveals no error message', async () => {
    healthy = false;
    const response = await fetch(`${server.url}/ready`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    const text = await response.text();
    expect(text).not.toMatch(/s3cret|ECONNREFUSED/);
    expect(JSON.parse(text)).toMatchObject({
      code: 'NOT_READY',
      checks: {
        events: { status: 'down', code: 'UNREACHABLE' },
        typed: { status: 'down', code: 'STORE_CLOSED' },
        slow: { status: 'down', code: 'TIMEOUT' },
      },
    });
  });

  it('answers 404 for projection routes when no runner is wired', async () => {
    expect((await fetch(`${server.url}/projections`)).status).toBe(200);
    const response = await fetch(`${server.url}/projections/balances/dead-letters`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'UNKNOWN_PROJECTION' });
  });
});
