import { type Balance, type PeerReadEvent, peerBalanceEvolve } from '../balance-projection.js';
import { loadPeer } from '../peer.js';
import { type SeedShape, seedPeerInMemory, seedPeerSqlite } from './rebuild-seed.js';
import type { RebuildTarget } from './rebuild-target.js';

// The slices of Emmett 0.42's API the rebuild uses, typed here because the peer is loaded at run time.
interface PeerProjection {
  readonly canHandle: readonly string[];
}
interface PeerInMemoryDatabase {
  collection(name: string): {
    findOne(predicate: (doc: Balance & { _id: string }) => boolean): Promise<Balance | null>;
  };
}
interface EmmettCore {
  getInMemoryEventStore(): {
    appendToStream(stream: string, events: unknown[]): Promise<unknown>;
    readStream(stream: string): Promise<{ events: PeerReadEvent[] }>;
  };
  getInMemoryDatabase(): PeerInMemoryDatabase;
  inMemorySingleStreamProjection(options: {
    collectionName: string;
    canHandle: string[];
    evolve: typeof peerBalanceEvolve;
  }): PeerProjection;
  handleInMemoryProjections(options: {
    projections: PeerProjection[];
    events: PeerReadEvent[];
    database: PeerInMemoryDatabase;
  }): Promise<void>;
}
interface PeerSqliteConnection {
  close(): void;
  command(sql: string, values?: unknown[]): Promise<unknown>;
  querySingle<T>(sql: string, values?: unknown[]): Promise<T | null>;
  withTransaction<T>(work: () => Promise<T>): Promise<T>;
}
interface EmmettSqlite {
  sqliteConnection(options: { fileName: string }): PeerSqliteConnection;
  getSQLiteEventStore(options: object): {
    appendToStream(stream: string, events: unknown[]): Promise<unknown>;
    close(): Promise<void>;
  };
  sqliteRawBatchSQLProjection(options: {
    canHandle: string[];
    evolve: (events: PeerReadEvent[]) => string[];
  }): PeerProjection;
  readMessagesBatch(
    connection: PeerSqliteConnection,
    options: { after: bigint; batchSize: number },
  ): Promise<{ messages: PeerReadEvent[]; currentGlobalPosition: bigint; areEventsLeft: boolean }>;
  handleProjections(options: {
    projections: PeerProjection[];
    events: PeerReadEvent[];
    connection: PeerSqliteConnection;
  }): Promise<void>;
  storeProcessorCheckpoint(
    connection: PeerSqliteConnection,
    options: { processorId: string; version: number; newPosition: bigint; lastProcessedPosition: bigint | null },
  ): Promise<{ success: boolean }>;
}

const eventTypes = ['MoneyDeposited', 'MoneyWithdrawn'];
/** Events per read and per projection batch, as its consumer's puller would hand them over. */
const batchSize = 1000;

async function peer<Module>(pkg: 'emmett' | 'emmett-sqlite'): Promise<Module> {
  const module = await loadPeer<Module>(pkg);
  if (module === undefined) throw new Error('Emmett is not installed');
  return module;
}

/**
 * Emmett's in-memory store has no read of all events, so its rebuild reads each account by name and
 * feeds `handleInMemoryProjections` 1,000 events at a time through `inMemorySingleStreamProjection`.
 */
export async function peerInMemoryTarget(shape: SeedShape): Promise<RebuildTarget> {
  const emmett = await peer<EmmettCore>('emmett');
  const store = emmett.getInMemoryEventStore();
  await seedPeerInMemory(store, shape);
  const database = emmett.getInMemoryDatabase();
  const projection = emmett.inMemorySingleStreamProjection({
    collectionName: 'balances',
    canHandle: eventTypes,
    evolve: peerBalanceEvolve,
  });
  return {
    async rebuild() {
      let batch: PeerReadEvent[] = [];
      const flush = async () => {
        await emmett.handleInMemoryProjections({ projections: [projection], events: batch, database });
        batch = [];
      };
      for (let a = 0; a < shape.accounts; a += 1) {
        for (const event of (await store.readStream(`account-${a}`)).events) batch.push(event);
        if (batch.length >= batchSize) await flush();
      }
      if (batch.length > 0) await flush();
    },
    document: (id) => database.collection('balances').findOne((doc) => doc._id === id),
    close: async () => {},
  };
}

/** Seeds a file Emmett's SQLite samples copy, so seeding stays out of every sample. */
export async function seedPeerSqliteFile(path: string, shape: SeedShape): Promise<void> {
  const sqlite = await peer<EmmettSqlite>('emmett-sqlite');
  const connection = sqlite.sqliteConnection({ fileName: path });
  const store = sqlite.getSQLiteEventStore({
    fileName: path,
    schema: { autoMigration: 'CreateOrUpdate' },
    connectionOptions: { singleton: true, connection },
  });
  await seedPeerSqlite(store, (work) => connection.withTransaction(work), shape);
  connection.close();
}

/** One upsert per account per batch: the batch form exists so a projection can coalesce like this. */
function balanceStatements(events: PeerReadEvent[]): string[] {
  const changes = new Map<string, { delta: number; count: number; lastVersion: number }>();
  for (const event of events) {
    const id = event.metadata.streamName;
    const next = peerBalanceEvolve(null, event);
    const change = changes.get(id);
    if (change === undefined) changes.set(id, { delta: next.balance, count: 1, lastVersion: next.lastVersion });
    else {
      change.delta += next.balance;
      change.count += 1;
      change.lastVersion = next.lastVersion;
    }
  }
  return [...changes].map(
    ([id, change]) =>
      `INSERT INTO balances (id, balance, count, last_version) VALUES ('${id.replaceAll("'", "''")}', ${change.delta}, ${change.count}, ${change.lastVersion})
       ON CONFLICT (id) DO UPDATE SET balance = balance + excluded.balance, count = count + excluded.count, last_version = excluded.last_version`,
  );
}

/**
 * Emmett's SQLite rebuild as its consumer runs one, minus the consumer's sleep between pulls:
 * `readMessagesBatch` from position 0, then `handleProjections` and the processor checkpoint in
 * one transaction per batch.
 */
export async function peerSqliteTarget(path: string): Promise<RebuildTarget> {
  const sqlite = await peer<EmmettSqlite>('emmett-sqlite');
  const connection = sqlite.sqliteConnection({ fileName: path });
  await connection.command(
    'CREATE TABLE balances (id TEXT PRIMARY KEY, balance INTEGER NOT NULL, count INTEGER NOT NULL, last_version INTEGER NOT NULL)',
  );
  const projection = sqlite.sqliteRawBatchSQLProjection({ canHandle: eventTypes, evolve: balanceStatements });
  return {
    async rebuild() {
      let after: bigint | null = null;
      for (;;) {
        const read = await sqlite.readMessagesBatch(connection, { after: after ?? 0n, batchSize });
        if (read.messages.length > 0) {
          await connection.withTransaction(async () => {
            await sqlite.handleProjections({ projections: [projection], events: read.messages, connection });
            const stored = await sqlite.storeProcessorCheckpoint(connection, {
              processorId: 'balances',
              version: 1,
              newPosition: read.currentGlobalPosition,
              lastProcessedPosition: after,
            });
            if (!stored.success) throw new Error('Emmett refused the processor checkpoint');
          });
        }
        after = read.currentGlobalPosition;
        if (!read.areEventsLeft) break;
      }
    },
    async document(id) {
      const row = await connection.querySingle<{ balance: number; count: number; last_version: number }>(
        'SELECT balance, count, last_version FROM balances WHERE id = ?',
        [id],
      );
      return row && { balance: row.balance, count: row.count, lastVersion: row.last_version };
    },
    close: async () => connection.close(),
  };
}
