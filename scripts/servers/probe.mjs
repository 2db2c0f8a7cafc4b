// Readiness probes for scripts/servers.sh: a real request to each server, not only an open port.
//   node probe.mjs kafka 127.0.0.1:9092 | node probe.mjs mongo mongodb://127.0.0.1:27017/
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [kind, address] = process.argv.slice(2);

async function probeKafka(broker) {
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null) throw new Error('no controller yet');
  } finally {
    await admin.disconnect();
  }
}

async function probeMongo(url) {
  const { MongoClient } = require('mongodb');
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1000 });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

const probes = { kafka: probeKafka, mongo: probeMongo };
const run = probes[kind];
if (!run || !address) {
  console.error('usage: probe.mjs kafka|mongo <address>');
  process.exit(2);
}
run(address).then(
  () => process.exit(0),
  (error) => {
    console.error(String(error));
    process.exit(1);
  },
);
