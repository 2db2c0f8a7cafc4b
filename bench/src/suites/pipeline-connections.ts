import type { EventStore } from '@ordo/core';
import { createSqliteEventStore } from '@ordo/sqlite';
import type { Admin, Kafka } from 'kafkajs';
import type { Db, MongoClient } from 'mongodb';
import { tempDatabasePath } from '../temp-file.js';

/** The servers issue 6's pipeline runs against, and how to let go of them. */
export interface Pipeline {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly db: Db;
  /** MongoDB commands the driver has started since the last `reset()`. */
  readonly mongoCommands: { count(): number; reset(): void };
  readonly store: EventStore;
  /** Which event store the relay and the rebuild read. */
  readonly storeName: string;
  close(): Promise<void>;
}

export interface PipelineEnv {
  readonly kafkaBrokers: string;
  readonly mongodbUrl: string;
  readonly esdbUrl: string | undefined;
}

/**
 * Connects to Kafka and MongoDB (a fresh database per run) and opens the event store: EventStoreDB
 * when ESDB_URL is set, else a temporary SQLite file. Drivers load only here, so other suites never
 * need them.
 */
export async function openPipeline(env: PipelineEnv, runId: string): Promise<Pipeline> {
  const { Kafka, logLevel } = await import('kafkajs');
  const { MongoClient } = await import('mongodb');
  const kafka = new Kafka({
    clientId: `ordo-bench-${runId}`,
    brokers: env.kafkaBrokers.split(','),
    logLevel: logLevel.ERROR,
  });
  const admin = kafka.admin();
  await admin.connect();

  // Command monitoring counts what the read store sends: the statements-per-event figure.
  const mongo: MongoClient = new MongoClient(env.mongodbUrl, { monitorCommands: true });
  let commands = 0;
  mongo.on('commandStarted', () => {
    commands += 1;
  });
  await mongo.connect();
  const db = mongo.db(`ordo_bench_${runId}`);

  const events = await openStore(env.esdbUrl);
  return {
    kafka,
    admin,
    db,
    mongoCommands: {
      count: () => commands,
      reset: () => {
        commands = 0;
      },
    },
    store: events.store,
    storeName: events.name,
    async close() {
      await events.close();
      await db.dropDatabase().catch(() => {});
      await mongo.close();
      await admin.disconnect();
    },
  };
}

async function openStore(esdbUrl: string | undefined) {
  if (esdbUrl !== undefined) {
    const { EventStoreDBClient } = await import('@eventstore/db-client');
    const { createEsdbEventStore } = await import('@ordo/eventstoredb');
    const client = EventStoreDBClient.connectionString(esdbUrl);
    return { name: 'EventStoreDB', store: createEsdbEventStore({ client }), close: () => client.dispose() };
  }
  const file = tempDatabasePath('pipeline.sqlite');
  const store = createSqliteEventStore({ path: file.path, synchronous: 'normal' });
  return {
    name: 'SQLite',
    store,
    close: async () => {
      await store.close();
      file.remove();
    },
  };
}
