// One member of a projection's consumer group as its own process: Kafka -> MongoDB, events' head from SQLite.
import { createKafkaEventSource } from '@ordo/kafka';
import { createMongoReadStore } from '@ordo/mongodb';
import { createProjectionRunner } from '@ordo/projections';
import { createSqliteEventStore } from '@ordo/sqlite';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { ledgerProjection } from './ledger-projection.js';

const env = process.env as Record<string, string>;
const kafka = new Kafka({
  clientId: `ordo-fault-${process.pid}`,
  brokers: env.KAFKA_BROKERS?.split(',') ?? [],
  logLevel: logLevel.NOTHING,
});
const store = createSqliteEventStore({ path: env.ORDO_FAULT_DB ?? '', readonly: true });
const mongo = new MongoClient(env.MONGODB_URL ?? '');
await mongo.connect();
const runner = createProjectionRunner({
  source: createKafkaEventSource({
    kafka,
    topic: env.ORDO_FAULT_TOPIC ?? '',
    groupId: env.ORDO_FAULT_GROUP ?? '',
    headPosition: () => store.headPosition(),
    onError: (error) => console.error('consumer failed:', error),
    // The broker's least session timeout: a killed member's partitions move on within seconds.
    consumer: { sessionTimeout: 6_000, heartbeatInterval: 1_000, rebalanceTimeout: 20_000 },
  }),
  store: createMongoReadStore({ db: mongo.db(env.ORDO_FAULT_DATABASE ?? '') }),
  projections: [ledgerProjection(Number(env.ORDO_FAULT_SPIN_MS ?? '0'))],
  batchSize: 20,
  onError: (error) => console.error('runner failed:', error),
});
await runner.start();
console.log('consuming');
process.once('SIGTERM', () => {
  void runner
    .stop()
    .then(() => mongo.close())
    .then(() => process.exit(0));
});
