import { createInMemoryEventStore } from '@ordo/core';
import {
  createInMemoryReadStore,
  createProjectionRunner,
  createStoreEventSource,
  type ReadStore,
} from '@ordo/projections';
import { createSqliteEventStore, createSqliteReadStore } from '@ordo/sqlite';
import { type Balance, balances } from '../balance-projection.js';
import { type SeedShape, seedOrdo } from './rebuild-seed.js';
import type { RebuildTarget } from './rebuild-target.js';

/** What a user runs to rebuild: the runner over the store's `readAll`, to the head, then return. */
function runnerTarget(source: Parameters<typeof createStoreEventSource>[0], store: ReadStore) {
  return {
    rebuild: () =>
      createProjectionRunner({ source: createStoreEventSource(source), store, projections: [balances] }).catchUp(),
    document: async (id: string) => ((await store.get('balances', id))?.document ?? null) as Balance | null,
  };
}

export async function ordoInMemoryTarget(shape: SeedShape): Promise<RebuildTarget> {
  const events = createInMemoryEventStore();
  await seedOrdo(events, shape);
  return { ...runnerTarget(events, createInMemoryReadStore()), close: async () => {} };
}

/** Seeds a file the SQLite samples copy, so seeding stays out of every sample. */
export async function seedOrdoSqliteFile(path: string, shape: SeedShape): Promise<void> {
  const events = createSqliteEventStore({ path, synchronous: 'normal' });
  await seedOrdo(events, shape);
  await events.close();
}

/** Events and read model in one file, so each batch commits with its checkpoint. */
export async function ordoSqliteTarget(path: string): Promise<RebuildTarget> {
  const events = createSqliteEventStore({ path });
  return { ...runnerTarget(events, createSqliteReadStore({ database: events.database })), close: () => events.close() };
}
