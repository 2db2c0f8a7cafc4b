import { createCommandHandler, createStateCache, snapshotEvery } from '@ordo/core';
import { createSqliteEventStore, createSqliteSnapshotStore } from '@ordo/sqlite';
import { account, depositEvent, peerEvolve } from '../bank-account.js';
import { concurrentCallers } from '../concurrent-callers.js';
import { percentile, rate, timeMs } from '../harness.js';
import { loadPeer } from '../peer.js';
import { tempDatabasePath } from '../temp-file.js';

/** Figures one sample of a workload reports. */
export type Figures = Record<string, number>;
export type Side = 'ordo' | 'emmett';

interface SideApi {
  append(streamId: string, events: { type: string; data: { amount: number } }[]): Promise<unknown>;
  deposit(accountId: string, amount: number): Promise<unknown>;
  /** Ordo only: the same command through a handler with an in-memory state cache. */
  depositCached?(accountId: string, amount: number): Promise<unknown>;
  load(streamId: string): Promise<unknown>;
  loadWithSnapshot?(streamId: string): Promise<unknown>;
  snapshot?(streamId: string): Promise<void>;
  close(): Promise<void>;
}

interface EmmettStore {
  appendToStream(stream: string, events: unknown[]): Promise<unknown>;
  aggregateStream(stream: string, options: object): Promise<unknown>;
  close?(): Promise<void>;
}

async function open(side: Side, path: string): Promise<SideApi> {
  if (side === 'ordo') {
    const store = createSqliteEventStore({ path });
    const snapshots = createSqliteSnapshotStore({ database: store.database });
    const plain = createCommandHandler(account, { store });
    const cached = createCommandHandler(account, { store, cache: createStateCache({ maxStreams: 10_000 }) });
    const snapshotted = createCommandHandler(account, {
      store,
      snapshots: { store: snapshots, policy: snapshotEvery(100) },
    });
    return {
      append: (streamId, events) => store.appendToStream(streamId, events.map(account.codec.encode)),
      deposit: (id, amount) => plain.handle(id, { type: 'Deposit', data: { amount } }),
      depositCached: (id, amount) => cached.handle(id, { type: 'Deposit', data: { amount } }),
      load: (streamId) => plain.load(streamId.replace(/^account-/, '')),
      loadWithSnapshot: (streamId) => snapshotted.load(streamId.replace(/^account-/, '')),
      async snapshot(streamId) {
        const { state, streamVersion } = await plain.load(streamId.replace(/^account-/, ''));
        await snapshots.save({ streamId, streamVersion, stateVersion: account.stateVersion, state });
      },
      close: () => store.close(),
    };
  }
  const sqlite = await loadPeer<{ getSQLiteEventStore(options: object): EmmettStore }>('emmett-sqlite');
  const emmett = await loadPeer<{
    CommandHandler(options: object): (s: EmmettStore, id: string, h: () => unknown) => Promise<unknown>;
  }>('emmett');
  if (!sqlite || !emmett) throw new Error('Emmett is not installed');
  // One shared connection: Emmett's default pool fails commands with SQLITE_BUSY even from one caller.
  const store = sqlite.getSQLiteEventStore({
    fileName: path,
    schema: { autoMigration: 'CreateOrUpdate' },
    connectionOptions: { singleton: true },
  });
  const handle = emmett.CommandHandler({ evolve: peerEvolve, initialState: account.initialState });
  return {
    append: (streamId, events) => store.appendToStream(streamId, events),
    deposit: (id, amount) => handle(store, `account-${id}`, () => [{ type: 'MoneyDeposited', data: { amount } }]),
    load: (streamId) => store.aggregateStream(streamId, { evolve: peerEvolve, initialState: account.initialState }),
    close: async () => store.close?.(),
  };
}

const batchOf = (size: number, offset: number) => Array.from({ length: size }, (_, k) => depositEvent(offset + k));

/** Each workload opens a fresh file, measures, closes and deletes it. */
export const sqliteWorkloads: Record<string, (side: Side, args: number[]) => Promise<Figures>> = {
  async appendBatches(side, [batches = 500, batchSize = 100]) {
    return withFile(side, async (api) => ({
      eventsPerSecond: await rate(batches * batchSize, async () => {
        for (let i = 0; i < batches; i += 1) await api.append(`account-${i % 50}`, batchOf(batchSize, i * batchSize));
      }),
    }));
  },

  async commands(side, [callers = 50, perCaller = 100, withCache = 0]) {
    return withFile(side, async (api) => {
      const deposit = withCache === 1 && api.depositCached !== undefined ? api.depositCached : api.deposit;
      // An untimed round first, the same for both sides: statements prepared, code optimised, streams opened.
      await concurrentCallers(callers, Math.ceil(500 / callers), (caller) => deposit(String(caller), 1));
      return concurrentCallers(callers, perCaller, (caller) => deposit(String(caller), 1));
    });
  },

  async load(side, [length = 1000, loads = 300]) {
    return withFile(side, async (api) => {
      for (let i = 0; i < length; i += 100) await api.append('account-long', batchOf(Math.min(100, length - i), i));
      await api.snapshot?.('account-long');
      const p50 = async (load: (id: string) => Promise<unknown>) => {
        const times: number[] = [];
        for (let i = 0; i < loads; i += 1) times.push(await timeMs(() => load('account-long')));
        return percentile(
          times.sort((a, b) => a - b),
          50,
        );
      };
      const plain = await p50(api.load);
      return api.loadWithSnapshot === undefined ? { plain } : { plain, snapshotted: await p50(api.loadWithSnapshot) };
    });
  },
};

async function withFile(side: Side, work: (api: SideApi) => Promise<Figures>): Promise<Figures> {
  const file = tempDatabasePath(`${side}.sqlite`);
  const api = await open(side, file.path);
  try {
    return await work(api);
  } finally {
    await api.close();
    file.remove();
  }
}
