import { startServer } from '@ordo/http';
import { createBankingApp } from './banking-app.js';
import { seedDemo } from './seed.js';

const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.ORDO_DATA_DIR ?? 'data';

const app = createBankingApp({ dataDir });
const seeded = await seedDemo(app);
await app.runner.start();
const server = await startServer(app.http, { port, hostname: process.env.HOST ?? '127.0.0.1' });
const base = `http://localhost:${server.port}`;

console.log(`Ordo banking example on ${base} (data in ${dataDir}/banking.sqlite${seeded ? ', demo accounts created' : ''})

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
  await server.close();
  await app.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
