// A relay as its own process, for kill -9: SQLite events and checkpoint in ORDO_FAULT_DB, topic ORDO_FAULT_TOPIC.
import { createKafkaRelay } from '@ordo/kafka';
import { createSqliteCheckpointStore, createSqliteEventStore } from '@ordo/sqlite';
import { Kafka, logLevel } from 'kafkajs';
import { faultPartitions } from './ledger-projection.js';

const path = process.env.ORDO_FAULT_DB as string;
const topic = process.env.ORDO_FAULT_TOPIC as string;
const kafka = new Kafka({
  clientId: 'ordo-fault-relay',
  brokers: (process.env.KAFKA_BROKERS as string).split(','),
  logLevel: logLevel.NOTHING,
});
const store = createSqliteEventStore({ path });
const relay = createKafkaRelay({
  kafka,
  store,
  topic,
  partitions: faultPartitions,
  batchSize: 50,
  checkpoints: createSqliteCheckpointStore({ path }),
});
await relay.start();
const head = await store.headPosition();
console.log(`started at ${relay.position}`);
await relay.whenRelayed(head);
console.log(`relayed ${head}`);
process.once('SIGTERM', () => {
  void relay.stop().then(() => process.exit(0));
});
