import { startServer } from '@ordo/http';
import { failToStart, openInfrastructure, startTelemetry, stopOnSignals } from '@ordo-examples/stack';
import { createBankingApp } from './banking-app.js';
import { seedDemo } from './seed.js';

const label = 'Ordo banking example';

const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.ORDO_DATA_DIR ?? 'data';
// First, so every component emits through it: /metrics always, spans over OTLP when OTEL_* ask for them.
const telemetry = startTelemetry('ordo-banking');

// The production stack when ESDB_URL, KAFKA_BROKERS and MONGODB_URL are set, else SQLite in dataDir.
// As many partitions as `accounts` and `transactions` have, so Kafka can feed them.
const infrastructure = await openInfrastructure(process.env, { dataDir, name: 'banking', partitions: 4 }).catch(
  failToStart(label),
);
// ORDO_CONSOLE_LIVE_MS: how often the console pushes projection status (default 1 s).
const consoleLiveMs =
  process.env.ORDO_CONSOLE_LIVE_MS === undefined ? undefined : Number(process.env.ORDO_CONSOLE_LIVE_MS);
const app = createBankingApp(infrastructure, {
  metrics: telemetry.metricsText,
  ...(consoleLiveMs === undefined ? {} : { consoleLiveMs }),
});
const seeded = await seedDemo(app).catch(failToStart(label));
await app.start().catch(failToStart(label));
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
  curl -s ${base}/metrics
  curl -s ${base}/openapi.json

Console: ${base}/console/

Ctrl-C stops the server; the next start keeps the data.`);

stopOnSignals(label, [server, app, telemetry]);
