import { childMedians, type SampleOutcome } from '../child-samples.js';
import type { BenchRow } from '../harness.js';
import { printTable } from '../harness.js';

const figure = (outcome: SampleOutcome, key: string) => ('figures' in outcome ? outcome.figures[key] : undefined);
const failure = (outcome: SampleOutcome) => ('failed' in outcome ? `Emmett failed: ${outcome.failed}` : undefined);

// fsync times on shared disks vary from run to run, so these take more samples than the other suites.
const samples = 5;

/** Issue #3 workloads: the embedded SQLite store against Emmett's SQLite store, each sample in a fresh process. */
export async function sqliteStoreSuite(): Promise<void> {
  const rows: BenchRow[] = [];
  const both = async (workload: string, args: number[]) => {
    const ordo = await childMedians(['sqlite', 'ordo', workload, ...args.map(String)], samples);
    if ('failed' in ordo) throw new Error(`Ordo ${workload} failed: ${ordo.failed}`);
    return { ordo, emmett: await childMedians(['sqlite', 'emmett', workload, ...args.map(String)], samples) };
  };

  const appends = await both('appendBatches', [500, 100]);
  rows.push({
    workload: 'append 100-event batches, one caller',
    unit: 'events/s',
    higherIsBetter: true,
    target: '>= 100,000',
    ordo: figure(appends.ordo, 'eventsPerSecond') ?? 0,
    peer: figure(appends.emmett, 'eventsPerSecond'),
    ...withNote(failure(appends.emmett)),
  });

  for (const [callers, cache] of [
    [1, 0],
    [50, 0],
    [50, 1],
  ] as const) {
    // Plain handlers fold the whole stream per command, so one caller's single stream stays short.
    const perCaller = callers === 1 ? 1_000 : Math.floor(10_000 / callers);
    const commands = await both('commands', [callers, perCaller, cache]);
    const plural = callers > 1 ? 's' : '';
    const label = `single-event commands, ${callers} concurrent caller${plural}${cache ? ', Ordo state cache' : ''}`;
    rows.push({
      workload: label,
      unit: 'commands/s',
      higherIsBetter: true,
      ...(callers > 1 ? { target: '>= 20,000' } : {}),
      ordo: figure(commands.ordo, 'opsPerSecond') ?? 0,
      peer: figure(commands.emmett, 'opsPerSecond'),
      ...withNote(
        failure(commands.emmett) ??
          (cache
            ? 'Ordo keeps recent states in memory and reads only newer events; Emmett has no cache (plain run)'
            : 'load + decide + append per command, each caller on its own account'),
      ),
    });
    rows.push({
      workload: `${label}, p99 latency`,
      unit: 'ms',
      higherIsBetter: false,
      ordo: figure(commands.ordo, 'p99') ?? 0,
      peer: figure(commands.emmett, 'p99'),
    });
  }

  const loads = await both('load', [1000, 300]);
  rows.push({
    workload: 'load a 1,000-event stream',
    unit: 'ms p50',
    higherIsBetter: false,
    target: '<= 2',
    ordo: figure(loads.ordo, 'plain') ?? 0,
    peer: figure(loads.emmett, 'plain'),
    ...withNote(failure(loads.emmett)),
  });
  rows.push({
    workload: 'load a 1,000-event stream, snapshot every 100',
    unit: 'ms p50',
    higherIsBetter: false,
    target: '<= 0.3',
    ordo: figure(loads.ordo, 'snapshotted') ?? 0,
    peer: figure(loads.emmett, 'plain'),
    note: 'Emmett has no snapshots: its column is its plain load',
  });

  printTable(`SQLite event store (one file, WAL); every sample in a fresh process, median of ${samples}`, rows);
}

function withNote(note: string | undefined): { note?: string } {
  return note === undefined ? {} : { note };
}
