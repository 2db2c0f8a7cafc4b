import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createCommandHandler, snapshotEvery } from '@ordo/core';
import { createOrdoApp } from '@ordo/http';
import { createProcessManager, createProjectionRunner, createStoreEventSource } from '@ordo/projections';
import {
  createSqliteDeadLetterStore,
  createSqliteDeadlineStore,
  createSqliteEventStore,
  createSqliteReadStore,
  createSqliteSnapshotStore,
} from '@ordo/sqlite';
import { account } from './domain/account.js';
import { transfer } from './domain/transfer.js';
import { transferProcess } from './processes/transfer-process.js';
import { accountSummaries } from './projections/account-summary.js';
import { dailyTotals } from './projections/daily-totals.js';
import { transactionHistory } from './projections/transaction-history.js';

export const bankingProjections = [accountSummaries, transactionHistory, dailyTotals] as const;

export interface BankingAppOptions {
  /** Folder for the SQLite file; created when missing. */
  readonly dataDir: string;
}

/**
 * The banking example on the embedded default: one SQLite file holds events, snapshots, read
 * models, checkpoints and dead letters; the projection runner follows the store in-process.
 */
export function createBankingApp(options: BankingAppOptions) {
  mkdirSync(options.dataDir, { recursive: true });
  const events = createSqliteEventStore({ path: join(options.dataDir, 'banking.sqlite') });
  const { database } = events;
  const readStore = createSqliteReadStore({ database });
  const accounts = createCommandHandler(account, {
    store: events,
    snapshots: { store: createSqliteSnapshotStore({ database }), policy: snapshotEvery(100) },
  });
  const transfers = createCommandHandler(transfer, { store: events });
  const transferManager = createProcessManager(transferProcess, {
    store: events,
    handlers: { accounts },
    deadlines: createSqliteDeadlineStore({ database }),
  });
  const runner = createProjectionRunner({
    source: createStoreEventSource(events),
    store: readStore,
    deadLetters: createSqliteDeadLetterStore({ database }),
    projections: [...bankingProjections, transferManager.projection],
  });
  const http = createOrdoApp({
    commands: [accounts, transfers],
    queries: [...bankingProjections, transferManager.projection].map((projection) => ({
      projection,
      store: readStore,
    })),
    runner,
    operations: { checks: { events: () => events.headPosition() } },
    openapi: { title: 'Ordo banking example', version: '1.0.0' },
  });

  return {
    events,
    readStore,
    accounts,
    transfers,
    runner,
    http,
    async close() {
      await runner.stop();
      await accounts.flush();
      await events.close();
    },
  };
}

export type BankingApp = ReturnType<typeof createBankingApp>;
