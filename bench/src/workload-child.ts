// One sample of one workload in a fresh process: `workload-child.ts <suite> <side> <workload> [args…]`.
// Fresh processes keep the two frameworks from sharing a heap, a JIT state or a crash.
import { type Side, sqliteWorkloads } from './suites/sqlite-workloads.js';

const suites = { sqlite: sqliteWorkloads };
const [suite, side, workload, ...args] = process.argv.slice(2);
const run = suites[suite as keyof typeof suites]?.[workload ?? ''];
if (run === undefined) {
  console.error(`Unknown workload ${suite}/${workload}`);
  process.exit(2);
}
const figures = await run(side as Side, args.map(Number));
process.stdout.write(`${JSON.stringify(figures)}\n`);
