import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInMemoryEventStore } from '@ordo/core';
import { createProjectionRunner, createStoreEventSource, defineProjection, fromEvents } from '@ordo/projections';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMongoReadStore } from './read-store.js';

// A private FerretDB (SQLite files kept across the restart) on its own port; the shared servers are never touched.
const port = '27128';
const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const servers = (command: 'start' | 'stop') =>
  execFileSync('scripts/servers.sh', [command, 'ferretdb'], {
    cwd: repoRoot,
    env: { ...process.env, FERRETDB_PORT: port, ORDO_SERVERS_KEEP_DATA: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 120_000,
  });

const ledger = fromEvents({ Deposited: z.object({ amount: z.number().int() }) });
interface Balance extends Record<string, unknown> {
  balance: number;
  versions: string;
}
// The version trail proves every event was applied once, in stream order; the balance that none was lost.
const balances = defineProjection({
  name: 'outage_balances',
  partitions: 2,
  sources: [ledger],
  documentId: (event) => event.streamId,
  evolve: (doc: Balance | null, event): Balance => ({
    balance: (doc?.balance ?? 0) + event.data.amount,
    versions: doc === null ? `${event.streamVersion}` : `${doc.versions},${event.streamVersion}`,
  }),
});

const until = async (condition: () => Promise<boolean>, what: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe.skipIf(process.env.FERRETDB_URL === undefined)(
  'projection runner on FerretDB stopped and restarted while it writes (a private instance from scripts/servers.sh)',
  () => {
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/`, {
      serverSelectionTimeoutMS: 500,
      connectTimeoutMS: 500,
    });
    beforeAll(() => {
      servers('start');
    });
    afterAll(async () => {
      await client.close();
      servers('stop');
    });

    it('resumes after the outage with nothing lost or applied twice, and status shows the outage while it lasts', async () => {
      const db = client.db(`ordo_outage_${Date.now()}`);
      const events = createInMemoryEventStore();
      const store = createMongoReadStore({ db });
      const runner = createProjectionRunner({
        source: createStoreEventSource(events),
        store,
        projections: [balances],
        batchSize: 20,
      });
      const streams = Array.from({ length: 6 }, (_, index) => `account-${index}`);
      const deposit = (round: number) =>
        Promise.all(
          streams.map((id, index) =>
            events.appendToStream(id, [{ type: 'Deposited', data: { amount: index + round } }]),
          ),
        );
      for (let round = 0; round < 10; round += 1) await deposit(round);
      await runner.start();
      try {
        await until(async () => (await runner.status('outage_balances')).lag === 0, 'the first catch-up');

        servers('stop');
        for (let round = 10; round < 30; round += 1) await deposit(round);
        await until(
          async () =>
            (await runner.status('outage_balances')).partitions.some((partition) =>
              partition.error?.startsWith('store unavailable'),
            ),
          'status to show the outage',
        );
        const during = await runner.status('outage_balances');
        expect(during.state).not.toBe('halted');
        expect(during.lag).toBeGreaterThan(0);

        servers('start');
        const head = await events.headPosition();
        const reached = await runner.waitFor('outage_balances', head, { timeoutMs: 60_000 });
        expect(reached.status).toBe('reached');
        const after = await runner.status('outage_balances');
        expect(after.partitions.map((partition) => partition.error)).toEqual([undefined, undefined]);
        expect(after.parked).toBe(0);

        const rounds = Array.from({ length: 30 }, (_, round) => round);
        for (const [index, id] of streams.entries()) {
          const stored = await store.get<Balance>('outage_balances', id);
          expect(stored?.document).toEqual({
            balance: rounds.reduce((sum, round) => sum + index + round, 0),
            versions: rounds.map((round) => round + 1).join(','),
          });
        }
      } finally {
        await runner.stop();
      }
    });
  },
);
