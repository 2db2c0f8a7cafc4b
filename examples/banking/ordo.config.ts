// `npx ordo status --config examples/banking/ordo.config.ts`: the operations CLI over this example's
// SQLite file, resolved like src/main.ts does (ORDO_DATA_DIR, default ./data).
import { join } from 'node:path';
import { defineOrdoConfig, openSqliteStores } from '@ordo/cli';
import { createCommandHandler } from '@ordo/core';
import { createProcessManager } from '@ordo/projections';
import { createSqliteDeadlineStore } from '@ordo/sqlite';
import { bankingProjections } from './src/banking-app.js';
import { account } from './src/domain/account.js';
import { transfer } from './src/domain/transfer.js';
import { transferProcess } from './src/processes/transfer-process.js';

export default defineOrdoConfig(() => {
  const stores = openSqliteStores({ path: join(process.env.ORDO_DATA_DIR ?? 'data', 'banking.sqlite') });
  const { store } = stores;
  // The process manager as the server wires it, so a rebuild or a dlq retry can send its commands.
  const transfers = createProcessManager(transferProcess, {
    store,
    handlers: { accounts: createCommandHandler(account, { store }) },
    deadlines: createSqliteDeadlineStore({ database: store.database }),
  });
  return {
    ...stores,
    projections: bankingProjections,
    processManagers: [transfers],
    aggregates: [account, transfer, transferProcess.aggregate],
  };
});
