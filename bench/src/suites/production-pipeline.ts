import { createInMemoryCheckpointStore, createProjectionRunner, createStoreEventSource } from '@ordo/projections';
import { type Balance, balances } from '../balance-projection.js';
import { type BenchRow, printTable, timeMs } from '../harness.js';
import { openPipeline, type Pipeline } from './pipeline-connections.js';
import { expectedBalance, type SeedShape, seedOrdo } from './rebuild-seed.js';

const shape: SeedShape = { accounts: 1_000, eventsPerAccount: 100 };
const total = shape.accounts * shape.eventsPerAccount;
/** Equal to the projection's partitions: the Kafka source maps topic partitions one to one. */
const partitions = balances.partitions;
const waitLimitMs = 600_000;

/**
 * Issue #6: the production topology. The event store is relayed to Kafka, a consumer group projects
 * into MongoDB, then the projection is rebuilt from the event store; events/s for each, and MongoDB
 * commands per event. Runs only against servers named by KAFKA_BROKERS and MONGODB_URL (ESDB_URL too,
 * else the store is SQLite). An EventStoreDB should be empty: the relay and the rebuild read all of `$all`.
 */
export async function productionPipelineSuite(): Promise<void> {
  const { KAFKA_BROKERS: kafkaBrokers, MONGODB_URL: mongodbUrl, ESDB_URL: esdbUrl } = process.env;
  if (!kafkaBrokers || !mongodbUrl) {
    console.log(
      '\n### Production pipeline: skipped; set KAFKA_BROKERS and MONGODB_URL (and optionally ESDB_URL, else the store is SQLite) to run it.',
    );
    return;
  }
  const runId = Date.now().toString(36);
  const pipeline = await openPipeline({ kafkaBrokers, mongodbUrl, esdbUrl: esdbUrl || undefined }, runId);
  try {
    printTable(
      `Production pipeline (${pipeline.storeName} -> Kafka -> MongoDB), ${total.toLocaleString('en-US')} events, one run`,
      await measure(pipeline, runId),
    );
  } finally {
    await pipeline.close();
  }
}

async function measure(pipeline: Pipeline, runId: string): Promise<BenchRow[]> {
  const { store, kafka, admin, db, mongoCommands } = pipeline;
  const topic = `ordo-bench-${runId}`;
  const streamPrefix = `bench-${runId}-account-`;
  const { ensureKafkaTopic, createKafkaRelay, createKafkaEventSource } = await import('@ordo/kafka');
  const { createMongoReadStore } = await import('@ordo/mongodb');
  await ensureKafkaTopic({ admin, topic, partitions });
  await seedOrdo(store, shape, streamPrefix);
  const head = await store.headPosition();

  const relay = createKafkaRelay({ kafka, store, topic, partitions, checkpoints: createInMemoryCheckpointStore() });
  const relayMs = await timeMs(async () => {
    await relay.start();
    await relay.whenRelayed(head, AbortSignal.timeout(waitLimitMs));
  });
  await relay.stop();

  const readStore = createMongoReadStore({ db });
  const runner = () =>
    createProjectionRunner({
      source: createKafkaEventSource({ kafka, topic, headPosition: () => store.headPosition() }),
      rebuildSource: createStoreEventSource(store),
      store: readStore,
      projections: [balances],
    });

  // Live: the consumer group (join and rebalance included) reads the topic into MongoDB.
  const live = runner();
  mongoCommands.reset();
  let reached = 'reached';
  const consumeMs = await timeMs(async () => {
    await live.start();
    reached = (await live.waitFor('balances', head, { timeoutMs: waitLimitMs })).status;
  });
  const consumeCommands = mongoCommands.count();
  await live.stop();
  if (reached !== 'reached') throw new Error('The Kafka consumer did not reach the head in 10 minutes');
  await check(readStore, streamPrefix);

  // Rebuild: a fresh collection from the event store at position 0, then the alias switch.
  const rebuilder = runner();
  await rebuilder.catchUp();
  mongoCommands.reset();
  const rebuildMs = await timeMs(() => rebuilder.rebuild('balances'));
  const rebuildCommands = mongoCommands.count();
  await check(readStore, streamPrefix);
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});

  const perSecond = (ms: number) => (total / ms) * 1000;
  const row = (workload: string, unit: string, ordo: number, higherIsBetter: boolean, note?: string): BenchRow => ({
    workload,
    unit,
    ordo,
    higherIsBetter,
    ...(note === undefined ? {} : { note }),
  });
  return [
    row('relay store -> Kafka', 'events/s', perSecond(relayMs), true, 'idempotent producer, acks -1'),
    row('consume Kafka -> MongoDB', 'events/s', perSecond(consumeMs), true, 'includes the consumer group join'),
    row('consume Kafka -> MongoDB', 'commands/event', consumeCommands / total, false),
    row('rebuild from the event store -> MongoDB', 'events/s', perSecond(rebuildMs), true),
    row(
      'rebuild from the event store -> MongoDB',
      'commands/event',
      rebuildCommands / total,
      false,
      'every command the driver started (monitorCommands), reads and transactions included',
    ),
  ];
}

async function check(
  readStore: { get(name: string, id: string): Promise<{ document: unknown } | undefined> },
  prefix: string,
) {
  const doc = (await readStore.get('balances', `${prefix}0`))?.document as Balance | undefined;
  if (doc?.count !== shape.eventsPerAccount || doc.balance !== expectedBalance(shape.eventsPerAccount)) {
    throw new Error(`Wrong read model for ${prefix}0: ${JSON.stringify(doc)}`);
  }
}
