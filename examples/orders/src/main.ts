import { startServer } from '@ordo/http';
import { createOrdersApp } from './orders-app.js';
import { seedDemo } from './seed.js';
import { readSettings } from './settings.js';

const settings = readSettings();
const dataDir = settings.ORDO_DATA_DIR;

const app = createOrdersApp({
  dataDir,
  paymentTimeoutMs: settings.ORDERS_PAYMENT_TIMEOUT_MS,
  conflictAttempts: settings.ORDERS_CONFLICT_ATTEMPTS,
});
const seeded = await seedDemo(app);
await app.start();
const server = await startServer(app.http, { port: settings.PORT, hostname: settings.HOST });
const base = `http://localhost:${server.port}`;

console.log(`Ordo orders example on ${base} (data in ${dataDir}/orders.sqlite${seeded ? ', demo stock and orders created' : ''})

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

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  await server.close();
  await app.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
