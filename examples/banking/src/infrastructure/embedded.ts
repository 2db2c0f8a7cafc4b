import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createStoreEventSource } from '@ordo/projections';
import {
  createSqliteDeadLetterStore,
  createSqliteDeadlineStore,
  createSqliteEventStore,
  createSqliteReadStore,
  createSqliteSnapshotStore,
} from '@ordo/sqlite';
import type { Infrastructure } from './infrastructure.js';

export interface EmbeddedOptions {
  /** Folder for `banking.sqlite`; created when missing. */
  readonly dataDir: string;
  /**
   * Feeds the stream-keyed projections with this many partitions from a second source over the
   * same store, as Kafka does in production: runs the production topology's two runners on SQLite.
   */
  readonly streamSourcePartitions?: number;
}

/**
 * The embedded default: one SQLite file holds events, snapshots, read models, checkpoints, dead
 * letters and deadlines, and the projections follow the store in this process.
 *
 * @example
 * const app = createBankingApp(openEmbeddedInfrastructure({ dataDir: 'data' }));
 */
export function openEmbeddedInfrastructure(options: EmbeddedOptions): Infrastructure {
  mkdirSync(options.dataDir, { recursive: true });
  const events = createSqliteEventStore({ path: join(options.dataDir, 'banking.sqlite') });
  const { database } = events;
  const partitions = options.streamSourcePartitions;
  return {
    description: `data in ${options.dataDir}/banking.sqlite`,
    events,
    snapshots: createSqliteSnapshotStore({ database }),
    readStore: createSqliteReadStore({ database }),
    deadLetters: createSqliteDeadLetterStore({ database }),
    deadlines: createSqliteDeadlineStore({ database }),
    storeSource: createStoreEventSource(events),
    ...(partitions === undefined ? {} : { streamSource: { source: createStoreEventSource(events), partitions } }),
    start: async () => {},
    close: () => events.close(),
  };
}
