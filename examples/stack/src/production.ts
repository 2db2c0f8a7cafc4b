import { EventStoreDBClient } from '@eventstore/db-client';
import { createEsdbEventStore } from '@ordo/eventstoredb';
import { createKafkaEventSource, createKafkaRelay, ensureKafkaTopic } from '@ordo/kafka';
import {
  createMongoDeadLetterStore,
  createMongoDeadlineStore,
  createMongoReadStore,
  createMongoSnapshotStore,
} from '@ordo/mongodb';
import { createStoreEventSource } from '@ordo/projections';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import type { Infrastructure } from './infrastructure.js';

export interface ProductionSettings {
  /** The Kafka client id. */
  readonly clientId: string;
  /** e.g. `esdb://localhost:2113?tls=false` */
  readonly esdbUrl: string;
  readonly kafkaBrokers: readonly string[];
  /** e.g. `mongodb://localhost:27017/?replicaSet=rs0` */
  readonly mongodbUrl: string;
  /** MongoDB database for read models, checkpoints, snapshots, dead letters and deadlines. */
  readonly database: string;
  /** The topic the relay writes, keyed by stream id; its consumer groups are `<topic>-<collection>`. */
  readonly topic: string;
  /** The topic's partition count (the stream-keyed projections' count). */
  readonly partitions: number;
}

/**
 * The production topology: EventStoreDB is the source of truth, a relay produces every event to a
 * Kafka topic keyed by stream id, read models and everything else live in MongoDB.
 *
 * @example
 * const app = createBankingApp(await openProductionInfrastructure(settings));
 * // settings usually come from `productionSettings(process.env, { name: 'banking', partitions: 4 })`
 */
export async function openProductionInfrastructure(settings: ProductionSettings): Promise<Infrastructure> {
  const { topic, partitions } = settings;
  const client = EventStoreDBClient.connectionString(settings.esdbUrl);
  const mongo = new MongoClient(settings.mongodbUrl);
  const kafka = new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.kafkaBrokers],
    logLevel: logLevel.WARN,
  });
  try {
    await mongo.connect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureKafkaTopic({ admin, topic, partitions });
    } finally {
      await admin.disconnect();
    }
  } catch (error) {
    await Promise.allSettled([mongo.close(), client.dispose()]);
    throw error;
  }

  const events = createEsdbEventStore({ client });
  const db = mongo.db(settings.database);
  const readStore = createMongoReadStore({ db });
  // The relay's checkpoint lives beside the read models (`relay:<topic>` in ordo_checkpoints).
  const relay = createKafkaRelay({
    kafka,
    store: events,
    topic,
    partitions,
    checkpoints: readStore.checkpoints,
    onError: (error) => console.error('Kafka relay failed; retrying from its checkpoint:', error),
  });
  const source = createKafkaEventSource({
    kafka,
    topic,
    groupIdPrefix: `${topic}-`,
    headPosition: () => events.headPosition(),
    onError: (error) => console.error('Kafka consumer failed:', error),
  });

  return {
    description: `events in EventStoreDB, Kafka topic ${topic}, read models in MongoDB database ${settings.database}`,
    events,
    snapshots: createMongoSnapshotStore({ db }),
    readStore,
    deadLetters: createMongoDeadLetterStore({ db }),
    deadlines: createMongoDeadlineStore({ db }),
    storeSource: createStoreEventSource(events),
    streamSource: { source, partitions },
    start: () => relay.start(),
    async close() {
      await relay.stop();
      await Promise.allSettled([mongo.close(), client.dispose()]);
    },
  };
}
