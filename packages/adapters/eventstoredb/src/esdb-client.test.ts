import { EventStoreDBClient } from '@eventstore/db-client';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import type { EsdbClient } from './esdb-client.js';

// Compile-time proof (tsc -b checks tests) that both real clients fit the structural port.
const eventStoreDbAsPort = (client: EventStoreDBClient): EsdbClient => client;
const kurrentDbAsPort = (client: KurrentDBClient): EsdbClient => client;

describe('EsdbClient', () => {
  it('is satisfied by an @eventstore/db-client instance without casts', async () => {
    const client = EventStoreDBClient.connectionString`esdb://127.0.0.1:1?tls=false`;
    const port = eventStoreDbAsPort(client);
    expect(typeof port.appendToStream).toBe('function');
    expect(typeof port.subscribeToAll).toBe('function');
    await client.dispose();
  });

  it('is satisfied by a @kurrent/kurrentdb-client instance without casts', async () => {
    const client = KurrentDBClient.connectionString`kurrentdb://127.0.0.1:1?tls=false`;
    const port = kurrentDbAsPort(client);
    expect(typeof port.readAll).toBe('function');
    expect(typeof port.getStreamMetadata).toBe('function');
    await client.dispose();
  });
});
