import { startServer } from '@ordo/http';
import { IncompleteStackError, openInfrastructure } from '@ordo-examples/stack';
import { createBankingApp } from './banking-app.js';
import { seedDemo } from './seed.js';

const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.ORDO_DATA_DIR ?? 'data';

// The production stack when ESDB_URL, KAFKA_BROKERS and MONGODB_URL are set, else SQLite in dataDir.
// As many partitions as `accounts` and `transactions` have, so Kafka can feed them.
const infrastructure = await openInfrastructure(process.env, { dataDir, name: 'banking', partitions: 4 }).catch(
  failToStart,
);
const app = createBankingApp(infrastructure);
const seeded = await seedDemo(app).catch(failToStart);
await app.start().catch(failToStart);
const server = await startServer(app.http, { port, hostname: process.env.HOST ?? '127.0.0.1' });
const base = `http://localhost:${server.port}`;

const { stream, store } = app.feeds;
const feeds =
  stream.length === 0 ? '' : `\nProjections fed by Kafka: ${stream.join(', ')}; by EventStoreDB: ${store.join(', ')}`;

console.log(`Ordo banking example on ${base} (${infrastructure.description}${seeded ? ', demo accounts created' : ''})${feeds}

Try:
  curl -s ${base}/accounts/alice
  curl -s -X POST ${base}/accounts/alice/commands/deposit -H 'content-type: application/json' -d '{"amount":2500,"currency":"EUR"}'
  curl -sg '${base}/transactions?filter[accountId]=alice&sort=-version&limit=5'
  curl -s -X POST ${base}/accounts/bob/commands/withdraw -H 'content-type: application/json' -d '{"amount":99999999,"currency":"EUR"}'
  curl -s ${base}/daily-totals
  curl -s ${base}/projections
  curl -s ${base}/openapi.json

Ctrl-C stops the server; the next start keeps the data.`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  try {
    await server.close();
    await app.close();
  } catch (error) {
    console.error('Ordo banking example: could not stop cleanly:', error);
    process.exitCode = 1;
  }
  process.exit();
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

/** One line instead of a stack: a partial stack configuration (exit 2), or a store it cannot reach (exit 1). */
function failToStart(error: unknown): never {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`Ordo banking example: ${error instanceof IncompleteStackError ? reason : `cannot start: ${reason}`}`);
  process.exit(error instanceof IncompleteStackError ? 2 : 1);
}
