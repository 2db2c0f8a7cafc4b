import { startServer } from '@ordo/http';
import { failToStart, openInfrastructure, startTelemetry, stopOnSignals } from '@ordo-examples/stack';
import { createOrdersApp } from './orders-app.js';
import { seedDemo } from './seed.js';
import { readSettings } from './settings.js';

const label = 'Ordo orders example';

const settings = readSettings();
const dataDir = settings.ORDO_DATA_DIR;
// First, so every component emits through it: /metrics always, spans over OTLP when OTEL_* ask for them.
const telemetry = startTelemetry('ordo-orders');

// The production stack when ESDB_URL, KAFKA_BROKERS and MONGODB_URL are set, else SQLite in dataDir.
// As many partitions as `customer_orders` has, so Kafka can feed it (`orders` and `stock` read the event store).
const infrastructure = await openInfrastructure(process.env, { dataDir, name: 'orders', partitions: 4 }).catch(
  failToStart(label),
);
const app = createOrdersApp(infrastructure, {
  paymentTimeoutMs: settings.ORDERS_PAYMENT_TIMEOUT_MS,
  conflictAttempts: settings.ORDERS_CONFLICT_ATTEMPTS,
  metrics: telemetry.metricsText,
});
const seeded = await seedDemo(app).catch(failToStart(label));
await app.start().catch(failToStart(label));
const server = await startServer(app.http, { port: settings.PORT, hostname: settings.HOST });
const base = `http://localhost:${server.port}`;

const { stream, store } = app.feeds;
const feeds =
  stream.length === 0 ? '' : `\nProjections fed by Kafka: ${stream.join(', ')}; by EventStoreDB: ${store.join(', ')}`;

console.log(`Ordo orders example on ${base} (${infrastructure.description}${seeded ? ', demo stock and orders created' : ''})${feeds}

Try:
  curl -sg '${base}/stock?sort=sku'
  curl -s -X POST ${base}/orders/o-1/commands/place-order -H 'content-type: application/json' \\
    -d '{"customerId":"bob","currency":"EUR","lines":[{"sku":"MUG-BLUE","quantity":3,"unitPrice":1250}],"cardNumber":"4242424242424242"}'
  curl -s ${base}/fulfilments/o-1
  curl -s ${base}/orders/o-1
  curl -sg '${base}/customer-orders?filter[customerId]=ada&sort=-placedAt&limit=5'
  curl -s ${base}/fulfilments/demo-2
  curl -s ${base}/openapi.json

Ctrl-C stops the server; the next start keeps the data.`);

stopOnSignals(label, [server, app, telemetry]);
