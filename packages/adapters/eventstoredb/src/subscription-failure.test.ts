import { PassThrough } from 'node:stream';
import { UnknownError } from '@eventstore/db-client';
import { defineAggregate } from '@ordo/core';
import {
  createInMemoryReadStore,
  createProjectionRunner,
  createStoreEventSource,
  defineProjection,
  upsert,
} from '@ordo/projections';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { EsdbClient, EsdbSubscription } from './esdb-client.js';
import { createEsdbEventStore } from './event-store.js';
import { createFakeEsdbServer } from './test-support/fake-esdb-server.js';

const accounts = defineAggregate({
  name: 'Account',
  commands: { Open: z.object({}) },
  events: { Opened: z.object({ owner: z.string() }) },
  initialState: () => ({}),
  evolve: (state) => state,
  decide: () => [],
});

const owners = defineProjection({
  name: 'owners',
  version: 1,
  partitions: 2,
  sources: [accounts],
  handlers: { Opened: (event) => [upsert(event.streamId, { owner: event.data.owner })] },
});

/** Every subscription fails at once, as a KurrentDB InvalidPosition does (an unknown error to the client). */
function failingSubscriptions(client: EsdbClient): EsdbClient {
  return {
    ...client,
    subscribeToAll() {
      const stream = new PassThrough({ objectMode: true });
      setImmediate(() => stream.destroy(new UnknownError(undefined, 'invalid position')));
      return Object.assign(stream, { unsubscribe: async () => void stream.destroy() }) as unknown as EsdbSubscription;
    },
  };
}

describe('a projection runner over EsdbEventStore', () => {
  it('shows a subscription that gave up after its default 20 re-opens as a halted partition with the error', async () => {
    const server = createFakeEsdbServer();
    const store = createEsdbEventStore({
      client: failingSubscriptions(server.client),
      resubscribe: { initialDelayMs: 1, maxDelayMs: 1 },
    });
    const runner = createProjectionRunner({
      source: createStoreEventSource(store),
      store: createInMemoryReadStore(),
      projections: [owners],
    });
    await runner.start();
    try {
      await vi.waitFor(
        async () => {
          const status = await runner.status('owners');
          expect(status.state).toBe('halted');
          expect(status.partitions[0]?.error).toMatch(/gave up after 21 consecutive attempt/);
        },
        { timeout: 5_000, interval: 10 },
      );
    } finally {
      await runner.stop();
    }
  });
});
