import { consolePageSuite } from './suites/console-page.js';
import { httpQuerySuite } from './suites/http-query.js';
import { processManagerSuite } from './suites/process-manager.js';
import { productionPipelineSuite } from './suites/production-pipeline.js';
import { projectionRebuildSuite } from './suites/projection-rebuild.js';
import { sqliteStoreSuite } from './suites/sqlite-store.js';
import { telemetryOverheadSuite } from './suites/telemetry-overhead.js';
import { writeModelSuite } from './suites/write-model.js';

const suites: Record<string, () => Promise<void>> = {
  'write-model': writeModelSuite,
  'sqlite-store': sqliteStoreSuite,
  'http-query': () => httpQuerySuite(),
  'projection-rebuild': projectionRebuildSuite,
  'process-manager': processManagerSuite,
  'production-pipeline': productionPipelineSuite,
  'console-page': consolePageSuite,
  'telemetry-overhead': telemetryOverheadSuite,
};

/** `npm run bench [-- suite...]`: runs the named suites, or all of them. */
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = wanted.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`Unknown suite(s): ${unknown.join(', ')}. Known: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
console.log(
  `Ordo bench on Node ${process.version}, ${new Date().toISOString()}; figures are medians of several runs (each table says how many).`,
);
for (const name of wanted.length > 0 ? wanted : Object.keys(suites)) await suites[name]?.();
