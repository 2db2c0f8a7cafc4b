import { childMedians } from '../child-samples.js';
import { type BenchRow, printTable } from '../harness.js';
import { type TelemetryMode, telemetryModes } from '../telemetry-modes.js';

const rounds = 5;
const labels: Record<TelemetryMode, string> = {
  off: 'no telemetry registered',
  api: '@ordo/opentelemetry, no SDK',
  'sdk-0': 'SDK, 0 % sampling',
  'sdk-100': 'SDK, 100 % sampling',
};
const targets: Partial<Record<TelemetryMode, string>> = { api: '<= 3 %', 'sdk-100': '<= 15 %' };

const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * Telemetry overhead: the same workload with each mode, every sample in a fresh process, the modes
 * interleaved round by round so a busy machine's drift spreads over all of them.
 */
export async function telemetryOverheadSuite(): Promise<void> {
  const workloads = [
    {
      name: 'commandsInMemory',
      title: '50 concurrent commands, in-memory store, state cache',
      key: 'commandsPerSecond',
      unit: 'commands/s',
    },
    {
      name: 'commandsSqlite',
      title: '50 concurrent commands, SQLite, state cache',
      key: 'commandsPerSecond',
      unit: 'commands/s',
    },
    { name: 'rebuildInMemory', title: 'rebuild of 200k events, in-memory', key: 'eventsPerSecond', unit: 'events/s' },
  ] as const;
  for (const workload of workloads) {
    const samples = new Map<TelemetryMode, number[]>(telemetryModes.map((mode) => [mode, []]));
    for (let round = 0; round < rounds; round += 1) {
      for (const mode of telemetryModes) {
        const outcome = await childMedians(['telemetry', mode, workload.name], 1);
        if ('failed' in outcome) throw new Error(`${workload.name} (${mode}) failed: ${outcome.failed}`);
        samples.get(mode)?.push(outcome.figures[workload.key] as number);
      }
    }
    const baseline = middle(samples.get('off') ?? []);
    const rows: BenchRow[] = telemetryModes.map((mode) => {
      const figure = middle(samples.get(mode) ?? []);
      const overhead = baseline === 0 ? 0 : (1 - figure / baseline) * 100;
      return {
        workload: labels[mode],
        unit: workload.unit,
        ordo: figure,
        peer: baseline,
        higherIsBetter: true,
        ...(targets[mode] === undefined ? {} : { target: targets[mode] }),
        note: `overhead ${overhead.toFixed(1)} % (median of ${rounds}; samples ${(samples.get(mode) ?? []).map(Math.round).join(', ')})`,
      };
    });
    printTable(`Telemetry overhead: ${workload.title}`, rows, 'no telemetry');
  }
}
