import { EventStoreDBClient } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import type { EsdbClient } from './esdb-client.js';

// Compile-time proof (tsc -b checks tests) that the real client fits the structural port.
const asPort = (client: EventStoreDBClient): EsdbClient => client;

describe('EsdbClient', () => {
  it('is satisfied by an @eventstore/db-client instance without casts', async () => {
    const client = EventStoreDBClient.connectionString`esdb://127.0.0.1:1?tls=false`;
    const port = asPort(client);
    expect(typeof port.appendToStream).toBe('function');
    expect(typeof port.subscribeToAll).toBe('function');
    await client.dispose();
  });
});
