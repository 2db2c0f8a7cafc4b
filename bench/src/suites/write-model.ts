import {
  createCommandHandler,
  createInMemoryEventStore,
  createInMemorySnapshotStore,
  type EventStore,
  type SnapshotStore,
  snapshotEvery,
} from '@ordo/core';
import { account, depositEvent, peerEvolve } from '../bank-account.js';
import { type BenchRow, median, percentile, printTable, rate, timeMs } from '../harness.js';
import { loadPeer, peerMissingNote } from '../peer.js';

interface EmmettInMemory {
  getInMemoryEventStore(): {
    appendToStream(stream: string, events: unknown[]): Promise<unknown>;
    aggregateStream(
      stream: string,
      options: { evolve: typeof peerEvolve; initialState: () => unknown },
    ): Promise<unknown>;
  };
}

const tailAfterSnapshot = 50;

async function seedOrdo(store: EventStore, streamId: string, length: number): Promise<void> {
  for (let from = 0; from < length; from += 1000) {
    const batch = Array.from({ length: Math.min(1000, length - from) }, (_, i) =>
      account.codec.encode(depositEvent(from + i)),
    );
    await store.appendToStream(streamId, batch);
  }
}

async function snapshotAt(store: EventStore, snapshots: SnapshotStore, id: string, version: number): Promise<void> {
  const { state } = await createCommandHandler(account, { store }).load(id, { atVersion: version });
  await snapshots.save({
    streamId: account.streamId(id),
    streamVersion: version,
    stateVersion: account.stateVersion,
    state,
  });
}

/** p50 of `count` sequential loads, in ms. */
async function loadLatency(count: number, load: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) times.push(await timeMs(load));
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

/** Issue #2 workloads: fold throughput and aggregate load time, in-memory stores on both sides. */
export async function writeModelSuite(): Promise<void> {
  const emmett = await loadPeer<EmmettInMemory>('emmett');
  const rows: BenchRow[] = [];

  const foldEvents = Array.from({ length: 1_000_000 }, (_, i) =>
    account.codec.decode({
      id: String(i),
      streamId: 'account-fold',
      streamVersion: i + 1,
      position: i + 1,
      timestamp: new Date(0).toISOString(),
      schemaVersion: 1,
      metadata: {},
      ...depositEvent(i),
    }),
  );
  rows.push({
    workload: 'fold 1M decoded events (evolve)',
    unit: 'events/s',
    higherIsBetter: true,
    target: '>= 10,000,000',
    ordo: await median(() =>
      rate(foldEvents.length, () => {
        let state = account.initialState();
        for (const event of foldEvents) state = account.evolve(state, event);
        return state;
      }),
    ),
    peer: emmett
      ? await median(() =>
          rate(foldEvents.length, () => {
            let state = account.initialState();
            for (const event of foldEvents) state = peerEvolve(state, event);
            return state;
          }),
        )
      : undefined,
    note: 'the pure fold both frameworks run per event once it is in memory',
  });

  for (const length of [1_000 + tailAfterSnapshot, 100_000 + tailAfterSnapshot]) {
    const label = length > 10_000 ? '100k' : '1k';
    const store = createInMemoryEventStore();
    const snapshots = createInMemorySnapshotStore();
    await seedOrdo(store, account.streamId('bench'), length);
    await snapshotAt(store, snapshots, 'bench', length - tailAfterSnapshot);
    const plain = createCommandHandler(account, { store });
    const snapshotted = createCommandHandler(account, {
      store,
      snapshots: { store: snapshots, policy: snapshotEvery(100) },
    });

    const peerStore = emmett?.getInMemoryEventStore();
    if (peerStore) {
      for (let from = 0; from < length; from += 1000) {
        await peerStore.appendToStream(
          'account-bench',
          Array.from({ length: Math.min(1000, length - from) }, (_, i) => depositEvent(from + i)),
        );
      }
    }
    const peerLoad = () =>
      peerStore?.aggregateStream('account-bench', { evolve: peerEvolve, initialState: account.initialState }) ??
      Promise.resolve();
    const loads = length > 10_000 ? 3 : 200;

    const ordoPlain = await median(() => loadLatency(loads, () => plain.load('bench')));
    const peerPlain = peerStore ? await median(() => loadLatency(loads, peerLoad)) : undefined;
    rows.push({
      workload: `load ${label} stream, no snapshot`,
      unit: 'ms p50',
      higherIsBetter: false,
      ordo: ordoPlain,
      peer: peerPlain,
    });
    rows.push({
      workload: `load ${label} stream, snapshot every 100`,
      unit: 'ms p50',
      higherIsBetter: false,
      ordo: await median(() => loadLatency(loads, () => snapshotted.load('bench'))),
      peer: peerPlain,
      target: 'independent of length',
      note: `${tailAfterSnapshot} events after the latest snapshot; Emmett has no snapshots, so its column is its plain load`,
    });
    rows.push({
      workload: `load ${label} stream, read+upcast+validate+fold`,
      unit: 'events/s',
      higherIsBetter: true,
      ordo: (length / ordoPlain) * 1000,
      peer: peerPlain === undefined ? undefined : (length / peerPlain) * 1000,
      note: 'Ordo validates every event with its zod schema on read; Emmett does not validate',
    });
  }

  printTable('Write model (in-memory stores): fold and load', rows);
  if (!emmett) console.log(peerMissingNote());
}
