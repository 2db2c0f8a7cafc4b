// Serves one side of the HTTP query bench: `http-server-child.ts <bare|ordo-memory|ordo-sqlite> <documents>`.
// Prints `READY <port>` once listening; SIGTERM stops it.
import { createOrdoApp, startServer } from '@ordo/http';
import { createInMemoryReadStore, defineProjection, type ReadStore, upsert } from '@ordo/projections';
import { createSqliteReadStore } from '@ordo/sqlite';
import { Hono } from 'hono';
import { account } from './bank-account.js';
import { tempDatabasePath } from './temp-file.js';

const [mode = 'bare', count = '1000'] = process.argv.slice(2);
const documents = Array.from({ length: Number(count) }, (_, i) => ({
  id: `acc-${i}`,
  document: {
    accountId: `acc-${i}`,
    owner: `Owner ${i}`,
    currency: 'EUR',
    balance: i * 100,
    status: 'open',
    version: 7,
  },
}));
const accounts = defineProjection({
  name: 'accounts',
  sources: [account],
  indexes: { owner: 'string', balance: 'number' },
  handlers: {},
});

async function seed(store: ReadStore): Promise<void> {
  await store.ensureCollection(accounts.collection, { indexes: accounts.indexes });
  await store.commit({
    collection: accounts.collection,
    partition: 0,
    operations: documents.map(({ id, document }, i) => ({ ...upsert(id, document), position: i + 1 })),
    checkpoint: documents.length,
  });
  await store.switchAlias(accounts.name, accounts.collection);
}

let cleanup = () => {};
let app: Pick<Hono, 'fetch'>;
if (mode === 'bare') {
  const byId = new Map(documents.map(({ id, document }) => [id, document]));
  const bare = new Hono();
  bare.get('/accounts/:id', (c) => {
    const document = byId.get(c.req.param('id'));
    return document === undefined ? c.notFound() : c.json(document);
  });
  app = bare;
} else {
  let store: ReadStore;
  if (mode === 'ordo-sqlite') {
    const file = tempDatabasePath('read.sqlite');
    store = createSqliteReadStore({ path: file.path });
    cleanup = file.remove;
  } else {
    store = createInMemoryReadStore();
  }
  await seed(store);
  app = createOrdoApp({ queries: [{ projection: accounts, store }], openapi: false });
}
const server = await startServer(app, { port: 0 });
process.stdout.write(`READY ${server.port}\n`);
process.on('SIGTERM', () => {
  void server.close().finally(() => {
    cleanup();
    process.exit(0);
  });
});
