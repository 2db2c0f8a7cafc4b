import { childMedians, type SampleOutcome } from '../child-samples.js';
import { type BenchRow, printTable } from '../harness.js';
import { loadPeer, peerMissingNote } from '../peer.js';
import { tempDatabasePath } from '../temp-file.js';
import { seedOrdoSqliteFile } from './rebuild-ordo.js';
import { seedPeerSqliteFile } from './rebuild-peer.js';
import type { SeedShape } from './rebuild-seed.js';

// Two store sizes with the same events per account: memory that grows with the store shows as a gap.
// ORDO_BENCH_QUICK=1 shrinks them 25-fold while working on the suite.
const scale = process.env.ORDO_BENCH_QUICK === '1' ? 25 : 1;
const sizes: readonly SeedShape[] = [
  { accounts: 2_500 / scale, eventsPerAccount: 100 },
  { accounts: 10_000 / scale, eventsPerAccount: 100 },
];
/** SQLite only, Ordo only: a store twice as big again, to show where the RSS growth levels off. */
const plateau: SeedShape = { accounts: 20_000 / scale, eventsPerAccount: 100 };
/** Emmett's in-memory rebuild scans its whole collection per event: minutes per sample at 1M, so one sample. */
const peerInMemoryRuns = (shape: SeedShape) => (shape.accounts > 5_000 / scale ? 1 : 3);

const figure = (outcome: SampleOutcome | undefined, key: string) =>
  outcome !== undefined && 'figures' in outcome ? outcome.figures[key] : undefined;
const events = ({ accounts, eventsPerAccount }: SeedShape) => (accounts * eventsPerAccount).toLocaleString('en-US');

interface Sides {
  readonly ordo: SampleOutcome;
  readonly emmett: SampleOutcome | undefined;
}

/** Issue #4: a full rebuild of an account-balance projection, in memory and on SQLite, each sample in a fresh process. */
export async function projectionRebuildSuite(): Promise<void> {
  const peerInstalled = (await loadPeer('emmett')) !== undefined && (await loadPeer('emmett-sqlite')) !== undefined;
  const rows: BenchRow[] = [];

  for (const shape of sizes) {
    const args = ['memory', String(shape.accounts), String(shape.eventsPerAccount)];
    const sides = {
      ordo: await childMedians(['rebuild', 'ordo', ...args]),
      emmett: peerInstalled ? await childMedians(['rebuild', 'emmett', ...args], peerInMemoryRuns(shape)) : undefined,
    };
    rows.push(...rowsFor('in-memory', shape, sides, '>= 700,000', peerNote(sides, peerInstalled, inMemoryNote(shape))));
  }

  for (const shape of [...sizes, plateau]) {
    const compare = peerInstalled && shape !== plateau;
    const ordoFile = tempDatabasePath('ordo-seed.sqlite');
    const peerFile = tempDatabasePath('emmett-seed.sqlite');
    try {
      await seedOrdoSqliteFile(ordoFile.path, shape);
      if (compare) await seedPeerSqliteFile(peerFile.path, shape);
      const args = (file: string) => ['sqlite', String(shape.accounts), String(shape.eventsPerAccount), file];
      const sides = {
        ordo: await childMedians(['rebuild', 'ordo', ...args(ordoFile.path)]),
        emmett: compare ? await childMedians(['rebuild', 'emmett', ...args(peerFile.path)]) : undefined,
      };
      const note = shape === plateau ? plateauNote : peerNote(sides, peerInstalled, sqliteNote(shape));
      rows.push(...rowsFor('SQLite', shape, sides, '>= 100,000', note));
    } finally {
      ordoFile.remove();
      peerFile.remove();
    }
  }

  printTable(
    'Projection rebuild: one balance document per account, 100 events per account, from position 0; every sample in a fresh process, median of 3',
    rows,
  );
  console.log(
    '- RSS growth: peak RSS during the rebuild (sampled every 5 ms from a worker thread) minus RSS just before it; peak RSS: the process high-water mark (in-memory: includes the seeded store).',
  );
}

function rowsFor(store: string, shape: SeedShape, sides: Sides, target: string, note: string | undefined): BenchRow[] {
  if ('failed' in sides.ordo) throw new Error(`Ordo ${store} rebuild failed: ${sides.ordo.failed}`);
  const label = `${store} rebuild, ${events(shape)} events`;
  const row = (workload: string, unit: string, key: string, higherIsBetter: boolean): BenchRow => ({
    workload,
    unit,
    higherIsBetter,
    ordo: figure(sides.ordo, key) ?? 0,
    peer: figure(sides.emmett, key),
  });
  const full = shape === sizes.at(-1);
  return [
    {
      ...row(label, 'events/s', 'eventsPerSecond', true),
      ...(full ? { target } : {}),
      ...(note === undefined ? {} : { note }),
    },
    row(`${label}, RSS growth during rebuild`, 'MB', 'rssGrowthMb', false),
    row(`${label}, peak RSS`, 'MB', 'peakRssMb', false),
  ];
}

function peerNote(sides: Sides, installed: boolean, describe: string | undefined): string | undefined {
  if (!installed) return peerMissingNote();
  if (sides.emmett !== undefined && 'failed' in sides.emmett) return `Emmett failed: ${sides.emmett.failed}`;
  return describe;
}

// The how goes on the first size's row; later rows only say what differs.
const inMemoryNote = (shape: SeedShape) =>
  shape === sizes[0]
    ? "Ordo: createProjectionRunner(...).catchUp() over the in-memory store's readAll, 4 partitions, into the in-memory read store. " +
      'Emmett: its in-memory store cannot read all events, so each account is read by name and fed 1,000 events at a time to ' +
      'handleInMemoryProjections + inMemorySingleStreamProjection (whose collection is an array scanned per event)'
    : peerInMemoryRuns(shape) === 1
      ? 'Emmett: one sample, not 3 (minutes per sample at this size)'
      : undefined;

const plateauNote =
  "Ordo only (Emmett's SQLite seeding alone would take minutes): RSS growth levels off once SQLite's page cache (64 MiB) is full and V8's heap has reached its steady size";

const sqliteNote = (shape: SeedShape) =>
  shape === sizes[0]
    ? 'Ordo: the runner over SQLite readAll, read model and checkpoints in the same file (synchronous=full). ' +
      'Emmett: readMessagesBatch(1,000) from position 0, then handleProjections (sqliteRawBatchSQLProjection, one upsert ' +
      "per account per batch) + storeProcessorCheckpoint in one transaction per batch: its consumer's loop without its pause between pulls"
    : undefined;
