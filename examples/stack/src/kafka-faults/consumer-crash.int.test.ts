import { randomUUID } from 'node:crypto';
import { createKafkaRelay } from '@ordo/kafka';
import { createMongoReadStore, type MongoReadStore } from '@ordo/mongodb';
import { createProjectionRunner, createStoreEventSource, partitionFor } from '@ordo/projections';
import { createSqliteCheckpointStore, createSqliteEventStore } from '@ordo/sqlite';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import {
  brokers,
  createFaultTopic,
  deleteTopics,
  kafka,
  killHard,
  mongodbUrl,
  seedStore,
  startChild,
  stopGracefully,
  until,
} from './fault-support.js';
import { faultPartitions, ledgerProjection } from './ledger-projection.js';

const prefix = `ordo-fault-${randomUUID().slice(0, 8)}`;
const topics: string[] = [];
const mongo = new MongoClient(mongodbUrl ?? 'mongodb://127.0.0.1:1/');
const databases: string[] = [];
afterAll(async () => {
  if (brokers === undefined || mongodbUrl === undefined) return;
  await deleteTopics(topics);
  for (const name of databases)
    await mongo
      .db(name)
      .dropDatabase()
      .catch(() => {});
  await mongo.close();
});

async function documents(store: MongoReadStore) {
  const page = await store.find('ledger', { limit: 1000 });
  return new Map(page.items.map((item) => [item.id, item]));
}

describe.skipIf(brokers === undefined || mongodbUrl === undefined)(
  'a two-member consumer group into MongoDB, one member killed with SIGKILL mid-batch',
  () => {
    it('ends with the read model a single member builds, document by document, and consistent checkpoints', async () => {
      const topic = `${prefix}-group`;
      topics.push(topic);
      await createFaultTopic(topic);
      const seeded = await seedStore(40, 50);
      const store = createSqliteEventStore({ path: seeded.path });
      const relay = createKafkaRelay({
        kafka,
        store,
        topic,
        partitions: faultPartitions,
        checkpoints: createSqliteCheckpointStore({ path: seeded.path }),
      });
      await mongo.connect();
      const database = `ordo_fault_${randomUUID().slice(0, 8)}`;
      const reference = `${database}_single`;
      databases.push(database, reference);
      const env = {
        ORDO_FAULT_DB: seeded.path,
        ORDO_FAULT_TOPIC: topic,
        ORDO_FAULT_GROUP: `${topic}-ledger`,
        ORDO_FAULT_DATABASE: database,
        // 1 ms per event, 20 per batch: a kill lands inside a batch's work.
        ORDO_FAULT_SPIN_MS: '1',
      };
      const readStore = createMongoReadStore({ db: mongo.db(database), transactions: false });
      try {
        await relay.start();
        await relay.whenRelayed(seeded.head);
        const doomed = startChild('./consumer-child.ts', env);
        const survivor = startChild('./consumer-child.ts', env);
        await Promise.all([doomed.waitFor(/consuming/), survivor.waitFor(/consuming/)]);
        const progress = async () => [...(await readStore.checkpoints.load('ledger_v1')).values()];
        // Both members hold partitions and write: kill one once a quarter of the way is done.
        await until(
          async () => (await progress()).reduce((sum, p) => sum + p, 0) > (seeded.head * faultPartitions) / 4,
        ).catch(async (error) => {
          throw new Error(`${error}: ${await progress()}\n${doomed.output()}\n${survivor.output()}`);
        });
        await killHard(doomed);
        await until(async () => {
          const reached = await progress();
          return reached.length === faultPartitions && reached.every((position) => position >= seeded.head);
        }, 90_000);
        await stopGracefully(survivor);

        // The reference: one process, the same projection, read straight from the event store.
        const single = createMongoReadStore({ db: mongo.db(reference), transactions: false });
        const runner = createProjectionRunner({
          source: createStoreEventSource(store),
          store: single,
          projections: [ledgerProjection()],
        });
        await runner.start();
        await runner.waitFor('ledger', seeded.head, { timeoutMs: 60_000 });
        await runner.stop();

        const [got, want] = [await documents(readStore), await documents(single)];
        expect(got.size).toBe(40);
        for (const [id, document] of want) expect(got.get(id)?.document).toEqual(document.document);
        expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
        // Consistent checkpoints: at the head, and no document carries a position beyond its partition's.
        const checkpoints = await readStore.checkpoints.load('ledger_v1');
        for (const item of got.values()) {
          const partition = partitionFor(item.id, faultPartitions);
          expect(item.position ?? 0).toBeLessThanOrEqual(checkpoints.get(partition) ?? 0);
        }
        expect([...checkpoints.values()]).toEqual(Array.from({ length: faultPartitions }, () => seeded.head));
      } finally {
        await relay.stop();
        await store.close();
        seeded.remove();
      }
    });
  },
);
