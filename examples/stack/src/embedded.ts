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
  /** Folder for the SQLite file; created when missing. */
  readonly dataDir: string;
  /** The example's name: its file is `<dataDir>/<name>.sqlite`. */
  readonly name: string;
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
 * const app = createBankingApp(openEmbeddedInfrastructure({ dataDir: 'data', name: 'banking' }));
 */
export function openEmbeddedInfrastructure(options: EmbeddedOptions): Infrastructure {
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, `${options.name}.sqlite`);
  const events = createSqliteEventStore({ path: file });
  const { database } = events;
  const partitions = options.streamSourcePartitions;
  return {
    description: `data in ${file}`,
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
