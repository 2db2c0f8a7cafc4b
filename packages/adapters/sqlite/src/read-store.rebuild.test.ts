import { createProjectionRunner, createStoreEventSource, defineProjection } from '@ordo/projections';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDeadLetterStore } from './dead-letter-store.js';
import { createSqliteEventStore } from './event-store.js';
import { createSqliteReadStore } from './read-store.js';
import { balances, ledger } from './test-support/ledger-projections.js';
import { createTempDir } from './test-support/temp-dir.js';

const dir = createTempDir('projection-rebuild');
afterAll(() => dir.remove());

// Version 2 of `balances` also counts deposits: a rebuild must produce the new shape for every account.
const balancesV2 = defineProjection({
  name: 'balances',
  version: 2,
  partitions: 4,
  sources: [ledger],
  indexes: { owner: 'string', deposits: 'number' },
  documentId: (event) => event.streamId,
  evolve: (doc: { owner: string; deposits: number } | null, event) =>
    event.type === 'Opened' ? { owner: event.data.owner, deposits: 0 } : doc && { ...doc, deposits: doc.deposits + 1 },
});

describe('projection rebuild on SQLite', () => {
  it('builds the bumped version beside the live one, which keeps answering, then switches and drops it', async () => {
    const events = createSqliteEventStore({ path: dir.file('rebuild.db'), synchronous: 'normal' });
    const store = createSqliteReadStore({ database: events.database });
    const deadLetters = createSqliteDeadLetterStore({ database: events.database });
    const streams = Array.from({ length: 30 }, (_, i) => `ledger-${i}`);
    await Promise.all(streams.map((id) => events.appendToStream(id, [{ type: 'Opened', data: { owner: id } }])));
    for (let round = 0; round < 20; round += 1) {
      await Promise.all(
        streams.map((id) =>
          events.appendToStream(id, [
            { type: 'Deposited', data: { amount: 1 } },
            { type: 'Deposited', data: { amount: 2 } },
          ]),
        ),
      );
    }
    const source = createStoreEventSource(events);
    await createProjectionRunner({ source, store, deadLetters, projections: [balances], batchSize: 20 }).catchUp();
    expect(await store.resolveAlias('balances')).toBe('balances_v1');

    const runner = createProjectionRunner({
      source,
      store,
      deadLetters,
      projections: [balances, balancesV2],
      batchSize: 20,
    });
    const answers: number[] = [];
    let querying = true;
    const queries = (async () => {
      while (querying) {
        const page = await store.find('balances', { limit: 100 });
        answers.push(page.items.length);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await runner.start();
    const { position } = await events.appendToStream('ledger-3', [{ type: 'Deposited', data: { amount: 5 } }]);
    await expect.poll(() => store.resolveAlias('balances'), { timeout: 20_000 }).toBe('balances_v2');
    expect((await runner.waitFor('balances', position, { timeoutMs: 10_000 })).status).toBe('reached');
    querying = false;
    await queries;
    await runner.stop();

    expect(answers.length).toBeGreaterThan(5);
    expect(answers.every((count) => count === 30)).toBe(true);
    expect(await store.listCollections()).toEqual(['balances_v2']);
    expect((await store.get('balances', 'ledger-3'))?.document).toEqual({ owner: 'ledger-3', deposits: 41 });
    const page = await store.find('balances', { filter: [{ field: 'deposits', op: 'eq', value: 40 }], limit: 100 });
    expect(page.items).toHaveLength(29);
    const tables = events.database
      .prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'ordo_rm_%' AND type = 'table'")
      .pluck()
      .all();
    expect(tables).toEqual(['ordo_rm_balances_v2']);
    await events.close();
  });
});
