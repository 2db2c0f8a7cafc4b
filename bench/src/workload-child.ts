// One sample of one workload in a fresh process: `workload-child.ts <suite> <side> <workload> [args…]`.
// Fresh processes keep the two frameworks from sharing a heap, a JIT state or a crash.
import { rebuildWorkloads } from './suites/rebuild-workloads.js';
import { type Figures, type Side, sqliteWorkloads } from './suites/sqlite-workloads.js';
import { telemetryWorkloads } from './suites/telemetry-workloads.js';

type Workload = (side: Side, args: number[], raw: readonly string[]) => Promise<Figures>;
const suites: Record<string, Record<string, Workload>> = {
  sqlite: sqliteWorkloads,
  rebuild: rebuildWorkloads,
  telemetry: telemetryWorkloads as unknown as Record<string, Workload>,
};
const [suite, side, workload, ...args] = process.argv.slice(2);
const run = suites[suite ?? '']?.[workload ?? ''];
if (run === undefined) {
  console.error(`Unknown workload ${suite}/${workload}`);
  process.exit(2);
}
// Raw arguments too: a workload may take a path.
const figures = await run(side as Side, args.map(Number), args);
process.stdout.write(`${JSON.stringify(figures)}\n`);
