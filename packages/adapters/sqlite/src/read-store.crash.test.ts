import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createProjectionRunner, createStoreEventSource, type ReadStore } from '@ordo/projections';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from './database.js';
import { createSqliteEventStore } from './event-store.js';
import { createSqliteReadStore } from './read-store.js';
import { balances, lastDeposits } from './test-support/ledger-projections.js';
import { createTempDir } from './test-support/temp-dir.js';

const dir = createTempDir('projection-crash');
afterAll(() => dir.remove());
const child = fileURLToPath(new URL('./test-support/projection-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

/** Runs the child; resolves with how it ended. Kills it `killAfterMs` after it reports ready. */
function runChild(path: string, killAfterMs: number | undefined): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, ['--import', 'tsx', '--conditions=@ordo/source', child, path], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    process_.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (killAfterMs !== undefined && output.includes('ready')) {
        killAfterMs = undefined;
        setTimeout(() => process_.kill('SIGKILL'), Math.random() * 250);
      }
    });
    process_.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    process_.on('error', reject);
    process_.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && output.includes('done')) resolve('done');
      else reject(new Error(`child exited ${code}: ${errors}`));
    });
  });
}

async function seed(path: string): Promise<number> {
  const database = openSqliteDatabase({ path, synchronous: 'normal' });
  const events = createSqliteEventStore({ database });
  const streams = Array.from({ length: 40 }, (_, i) => `ledger-${i}`);
  await Promise.all(
    streams.map((id, i) => events.appendToStream(id, [{ type: 'Opened', data: { owner: `o${i % 5}` } }])),
  );
  for (let round = 0; round < 12; round += 1) {
    await Promise.all(
      streams.map((id, i) =>
        events.appendToStream(
          id,
          Array.from({ length: 25 }, (_, n) => ({
            type: 'Deposited',
            data: { amount: (i * 31 + round * 7 + n) % 97 },
          })),
        ),
      ),
    );
  }
  const head = await events.headPosition();
  database.close();
  return head;
}

async function snapshot(store: ReadStore, name: string): Promise<Record<string, unknown>> {
  const documents: Record<string, unknown> = {};
  let cursor: string | undefined;
  do {
    const page = await store.find(name, { limit: 500, ...(cursor === undefined ? {} : { cursor }) });
    for (const item of page.items) documents[item.id] = { document: item.document, position: item.position };
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return documents;
}

describe('projection runner on SQLite, killed with SIGKILL and restarted', () => {
  it('ends with exactly the read model of a clean run, document by document', { timeout: 180_000 }, async () => {
    const crashed = dir.file('crashed.db');
    const head = await seed(crashed);
    const clean = dir.file('clean.db');
    await seed(clean);

    const cleanDatabase = openSqliteDatabase({ path: clean });
    const cleanStore = createSqliteReadStore({ database: cleanDatabase });
    await createProjectionRunner({
      source: createStoreEventSource(createSqliteEventStore({ database: cleanDatabase })),
      store: cleanStore,
      projections: [balances, lastDeposits],
      batchSize: 25,
    }).catchUp();

    let kills = 0;
    let finishedEarly = 0;
    const checkpointsSeen: number[] = [];
    const crashedDatabase = openSqliteDatabase({ path: crashed });
    const crashedStore = createSqliteReadStore({ database: crashedDatabase });
    while (kills < 20 && finishedEarly < 20) {
      const outcome = await runChild(crashed, 0);
      if (outcome === 'done') {
        // Finished before the kill landed: rewind to replay from scratch and keep killing.
        finishedEarly += 1;
        for (const collection of await crashedStore.listCollections()) await crashedStore.dropCollection(collection);
        continue;
      }
      kills += 1;
      const checkpoints = await crashedStore.checkpoints.load('balances_v1');
      checkpointsSeen.push(Math.min(...[0, 1, 2, 3].map((p) => checkpoints.get(p) ?? 0)));
    }
    expect(await runChild(crashed, undefined)).toBe('done');

    // Kills landed at different points, including mid-run (some partition neither at 0 nor at head).
    expect(new Set(checkpointsSeen).size).toBeGreaterThan(1);
    expect(checkpointsSeen.some((position) => position > 0 && position < head)).toBe(true);
    expect(finishedEarly).toBeLessThan(20);
    for (const name of ['balances', 'last_deposits']) {
      const expected = await snapshot(cleanStore, name);
      expect(Object.keys(expected)).toHaveLength(40);
      expect(await snapshot(crashedStore, name)).toEqual(expected);
    }
    const checkpoints = await crashedStore.checkpoints.load('balances_v1');
    expect([...checkpoints.values()]).toEqual([head, head, head, head]);
    crashedDatabase.close();
    cleanDatabase.close();
  });
});
