import { performance } from 'node:perf_hooks';

/** One row of a side-by-side table: the same workload measured for Ordo and for the peer. */
export interface BenchRow {
  readonly workload: string;
  readonly unit: string;
  readonly ordo: number;
  readonly peer?: number | undefined;
  /** Whether a bigger figure is better (throughput) or worse (latency). */
  readonly higherIsBetter: boolean;
  readonly target?: string;
  readonly note?: string;
}

/** Runs `sample` `runs` times after `warmups` unmeasured runs and returns the median figure. */
export async function median(
  sample: () => Promise<number> | number,
  { runs = 5, warmups = 1 }: { runs?: number; warmups?: number } = {},
): Promise<number> {
  for (let i = 0; i < warmups; i += 1) await sample();
  const figures: number[] = [];
  for (let i = 0; i < runs; i += 1) figures.push(await sample());
  return middle(figures);
}

/** Like `median`, for samples with several figures: the median of each figure, taken separately. */
export async function medians<Figures extends Record<string, number>>(
  sample: () => Promise<Figures>,
  { runs = 5, warmups = 1 }: { runs?: number; warmups?: number } = {},
): Promise<Figures> {
  for (let i = 0; i < warmups; i += 1) await sample();
  const samples: Figures[] = [];
  for (let i = 0; i < runs; i += 1) samples.push(await sample());
  const keys = Object.keys(samples[0] ?? {}) as (keyof Figures & string)[];
  const result: Record<string, number> = {};
  for (const key of keys) result[key] = middle(samples.map((figures) => figures[key] as number));
  return result as Figures;
}

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Milliseconds taken by `work`. */
export async function timeMs(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Operations per second for `count` operations done by `work`. */
export async function rate(count: number, work: () => Promise<unknown> | unknown): Promise<number> {
  return (count / (await timeMs(work))) * 1000;
}

export function percentile(sortedAscending: readonly number[], p: number): number {
  const index = Math.min(sortedAscending.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAscending.length) - 1));
  return sortedAscending[index] ?? Number.NaN;
}

const format = (value: number | undefined) =>
  value === undefined
    ? 'n/a'
    : value >= 100
      ? Math.round(value).toLocaleString('en-US')
      : value.toLocaleString('en-US', { maximumFractionDigits: 3 });

/** Ordo / peer, oriented so that > 1 always means Ordo is ahead. */
export function advantage(row: BenchRow): number | undefined {
  if (row.peer === undefined || row.peer === 0 || row.ordo === 0) return undefined;
  return row.higherIsBetter ? row.ordo / row.peer : row.peer / row.ordo;
}

export function printTable(title: string, rows: readonly BenchRow[], peerName = 'Emmett'): void {
  const header = ['workload', 'unit', 'Ordo', peerName, 'Ordo / peer', 'target'];
  const lines = rows.map((row) => {
    const lead = advantage(row);
    return [
      row.workload,
      row.unit,
      format(row.ordo),
      format(row.peer),
      lead === undefined ? 'n/a' : `${lead.toFixed(2)}x`,
      row.target ?? '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => (line[i] as string).length)));
  const render = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(render(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const line of lines) console.log(render(line));
  for (const row of rows) if (row.note !== undefined) console.log(`- ${row.workload}: ${row.note}`);
}
