// Ad-hoc rebuild throughput check (the formal comparison lives in bench/):
//   node --import tsx --conditions=@ordo/source packages/projections/perf/rebuild-perf.ts [events] [memory|sqlite] [evolve|handlers]
import { createInMemoryEventStore, defineAggregate, type EventStore } from '@ordo/core';
import { z } from 'zod';
import { createInMemoryReadStore } from '../src/in-memory-read-store.js';
import { defineProjection } from '../src/projection.js';
import { createProjectionRunner } from '../src/projection-runner.js';
import { patch, upsert } from '../src/read-model-operation.js';
import type { ReadStore } from '../src/read-store.js';
import { createStoreEventSource } from '../src/store-event-source.js';

const total = Number(process.argv[2] ?? 1_000_000);
const target = process.argv[3] ?? 'memory';
const kind = process.argv[4] ?? 'evolve';
const streams = 10_000;

const account = defineAggregate({
  name: 'Account',
  commands: { Noop: z.object({}) },
  events: { Opened: z.object({ owner: z.string() }), Deposited: z.object({ amount: z.number() }) },
  initialState: () => ({}),
  evolve: (s) => s,
  decide: () => [],
});
type Balance = { owner: string; balance: number; count: number };
const evolveProjection = defineProjection({
  name: 'balances',
  partitions: 4,
  sources: [account],
  indexes: { owner: 'string', balance: 'number' },
  documentId: (event) => event.streamId,
  evolve: (doc: Balance | null, event): Balance | null =>
    event.type === 'Opened'
      ? { owner: event.data.owner, balance: 0, count: 0 }
      : doc && { ...doc, balance: doc.balance + event.data.amount, count: doc.count + 1 },
});
const handlersProjection = defineProjection({
  name: 'balances',
  partitions: 4,
  sources: [account],
  indexes: { owner: 'string' },
  handlers: {
    Opened: (event) => upsert(event.streamId, { owner: event.data.owner, last: 0 }),
    Deposited: (event) => patch(event.streamId, { last: event.data.amount }),
  },
});

async function seed(store: EventStore) {
  const perStream = total / streams;
  for (let round = 0; round < perStream / 10; round += 1) {
    await Promise.all(
      Array.from({ length: streams }, (_, s) =>
        store.appendToStream(
          `account-${s}`,
          Array.from({ length: 10 }, (_, n) =>
            round === 0 && n === 0
              ? { type: 'Opened', data: { owner: `o${s % 100}` } }
              : { type: 'Deposited', data: { amount: n } },
          ),
        ),
      ),
    );
  }
}

let events: EventStore;
let store: ReadStore;
let cleanup = async () => {};
if (target === 'sqlite') {
  // biome-ignore lint/style/noRestrictedImports: an ad-hoc script outside src, measuring the SQLite adapter too.
  const sqlite = await import('@ordo/sqlite');
  const { tmpdir } = await import('node:os');
  const path = `${tmpdir()}/ordo-rebuild-perf-${process.pid}.db`;
  const database = sqlite.openSqliteDatabase({ path, synchronous: 'normal' });
  events = sqlite.createSqliteEventStore({ database });
  store = sqlite.createSqliteReadStore({ database });
  cleanup = async () => {
    database.close();
    const { rmSync } = await import('node:fs');
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  };
} else {
  events = createInMemoryEventStore();
  store = createInMemoryReadStore();
}
const seedStart = performance.now();
await seed(events);
console.log(`seeded ${await events.headPosition()} events in ${((performance.now() - seedStart) / 1000).toFixed(1)}s`);
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
const inspector = process.env.PROFILE ? new (await import('node:inspector/promises')).Session() : undefined;
if (inspector) {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
}
const start = performance.now();
const cpuStart = process.cpuUsage();
await createProjectionRunner({
  source: createStoreEventSource(events),
  store,
  projections: [kind === 'evolve' ? evolveProjection : handlersProjection],
  batchSize: Number(process.env.BATCH ?? 2000),
}).catchUp();
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
if (inspector) {
  const { profile } = await inspector.post('Profiler.stop');
  (await import('node:fs')).writeFileSync(process.env.PROFILE as string, JSON.stringify(profile));
}
clearInterval(sampler);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
console.log(
  `${target}/${kind}: ${total} events in ${seconds.toFixed(2)}s = ${Math.round(total / seconds).toLocaleString()} events/s (CPU ${cpuSeconds.toFixed(2)}s = ${Math.round(total / cpuSeconds).toLocaleString()} events per CPU-second); rss before ${mb(rssBefore)}, peak ${mb(peak)}`,
);
const sample = await store.get('balances', 'account-1');
console.log(JSON.stringify(sample));
await cleanup();
