import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@ordo/http';
import { splitByFeed } from '@ordo/projections';
import { openEmbeddedInfrastructure } from '@ordo-examples/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BankingApp, bankingProjections, createBankingApp } from './banking-app.js';
import { transferProcess } from './processes/transfer-process.js';
import { seedDemo } from './seed.js';
import { getJson, getJsonAfter, postCommand } from './test-support/banking-process.js';
import { settledTransfer } from './test-support/banking-scenario.js';

// The production topology's shape on SQLite: stream-keyed projections on one runner (their own
// source, rebuilding from the store, as Kafka's would), the rest on another, combined behind one app.
const dataDir = mkdtempSync(join(tmpdir(), 'ordo-banking-two-runners-'));
let app: BankingApp;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  app = createBankingApp(openEmbeddedInfrastructure({ dataDir, name: 'banking', streamSourcePartitions: 4 }));
  await seedDemo(app);
  await app.start();
  const server = await startServer(app.http, { port: 0, hostname: '127.0.0.1' });
  url = `http://localhost:${server.port}`;
  close = async () => {
    await server.close();
    await app.close();
  };
});
afterAll(async () => {
  await close?.();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('banking app on two combined runners (the production shape, on SQLite)', () => {
  it('feeds only the projections keyed by stream id, with the topic’s partition count, from the stream source', () => {
    const { byStream, byStore } = splitByFeed([...bankingProjections], 4);
    expect(byStream.map((p) => p.name)).toEqual(['accounts', 'transactions']);
    expect(byStore.map((p) => p.name)).toEqual(['daily_totals']);
    expect(splitByFeed([...bankingProjections], 8).byStream).toEqual([]);
    expect(app.feeds).toEqual({ stream: ['accounts', 'transactions'], store: ['daily_totals', transferProcess.name] });
    expect(app.runner.names()).toEqual(['accounts', 'transactions', 'daily_totals', transferProcess.name]);
  });

  it('runs a transfer through the process manager and reads the writes of both feeds', async () => {
    await postCommand(url, '/accounts/two-a/commands/open-account', { owner: 'A', currency: 'EUR' });
    await postCommand(url, '/accounts/two-b/commands/open-account', { owner: 'B', currency: 'EUR' });
    await postCommand(url, '/accounts/two-a/commands/deposit', { amount: 5_000, currency: 'EUR' });
    const requested = await postCommand(url, '/transfers/two-1/commands/request-transfer', {
      from: 'two-a',
      to: 'two-b',
      amount: 1_200,
      currency: 'EUR',
    });
    expect(requested.status).toBe(200);

    // The status document comes from the store-fed runner, the balances from the stream-fed one.
    const { doc, position } = await settledTransfer(url, 'two-1');
    expect(doc).toMatchObject({ status: 'completed', failure: null });
    const [a, b] = await Promise.all(['two-a', 'two-b'].map((id) => getJsonAfter(url, `/accounts/${id}`, position)));
    expect([a?.status, a?.body.balance, b?.body.balance]).toEqual([200, 3_800, 1_200]);
    const history = await getJsonAfter(url, '/transactions?filter[accountId]=two-b', position);
    expect(history.body.items).toEqual([
      expect.objectContaining({ document: expect.objectContaining({ kind: 'deposit', transferId: 'two-1' }) }),
    ]);
    const totals = await getJsonAfter(url, '/daily-totals?filter[currency]=EUR', position);
    expect((totals.body.items as { document: { movements: number } }[])[0]?.document.movements).toBeGreaterThan(4);
  });

  it('answers 404 for a projection no runner serves', async () => {
    const status = await getJson(url, '/projections/nope');
    expect(status).toMatchObject({ status: 404, body: { code: 'UNKNOWN_PROJECTION' } });
  });

  it('rebuilds a stream-fed and a store-fed projection over HTTP, then serves the same documents', async () => {
    for (const name of ['accounts', 'daily_totals']) {
      const resource = name.replace('_', '-');
      const before = await getJson(url, `/${resource}?limit=100`);
      const started = await postCommand(url, `/projections/${name}/rebuild`, {});
      expect(started.status).toBe(202);
      const target = started.body.collection as string;
      expect(target).toMatch(new RegExp(`^${name}_v1_r`));
      await waitUntilServing(name, target);
      const after = await getJson(url, `/${resource}?limit=100`);
      expect(after.body.items).toEqual(before.body.items);
    }
    // The stream-fed rebuild handed over to its live source: new writes still reach it.
    const deposit = await postCommand(url, '/accounts/two-b/commands/deposit', { amount: 1, currency: 'EUR' });
    const b = await getJsonAfter(url, '/accounts/two-b', String(deposit.body.position));
    expect(b.body).toMatchObject({ balance: 1_201 });
  });
});

/** Polls the alias until the rebuilt collection serves `name` (bounded: 10 s), as `npm run rebuild` does. */
async function waitUntilServing(name: string, collection: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await app.readStore.resolveAlias(name)) !== collection) {
    if (Date.now() > deadline) throw new Error(`${name} did not switch to ${collection} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
