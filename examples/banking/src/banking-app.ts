import { createCommandHandler, createStateCache, snapshotEvery } from '@ordo/core';
import { createOrdoApp } from '@ordo/http';
import { createProcessManager, createSplitFeedRunner, type Document } from '@ordo/projections';
import type { Infrastructure } from '@ordo-examples/stack';
import { account } from './domain/account.js';
import { transfer } from './domain/transfer.js';
import { transferProcess } from './processes/transfer-process.js';
import { accountSummaries } from './projections/account-summary.js';
import { dailyTotals } from './projections/daily-totals.js';
import { transactionHistory } from './projections/transaction-history.js';

export const bankingProjections = [accountSummaries, transactionHistory, dailyTotals] as const;

export interface BankingAppOptions {
  /** What `GET /metrics` serves (the OpenTelemetry Prometheus exporter's text); default the projection gauges. */
  readonly metrics?: () => Promise<string>;
  /** How often the console pushes projection status. */
  readonly consoleLiveMs?: number;
}

/**
 * The banking example on any infrastructure (embedded SQLite or the production stack): command
 * handlers with snapshots every 100 events, the transfer process manager, the projection runner(s)
 * and the HTTP app.
 *
 * @example
 * const app = createBankingApp(openEmbeddedInfrastructure({ dataDir: 'data', name: 'banking' }));
 * await app.start();
 * await startServer(app.http, { port: 3000 });
 */
export function createBankingApp(infrastructure: Infrastructure, options: BankingAppOptions = {}) {
  const { events, readStore, storeSource, streamSource, deadLetters } = infrastructure;
  const accounts = createCommandHandler(account, {
    store: events,
    snapshots: { store: infrastructure.snapshots, policy: snapshotEvery(100) },
    // Clients and the transfer process write the same accounts: a hot account loads from memory.
    cache: createStateCache({ maxStreams: 10_000 }),
  });
  const transfers = createCommandHandler(transfer, { store: events });
  const transferManager = createProcessManager(transferProcess, {
    store: events,
    handlers: { accounts },
    deadlines: infrastructure.deadlines,
  });
  const projections = [...bankingProjections, transferManager.projection];
  const runner = createSplitFeedRunner({ storeSource, streamSource, store: readStore, deadLetters, projections });
  const { feeds } = runner;
  const http = createOrdoApp({
    commands: [accounts, transfers],
    // An account document's ETag is its stream version, so If-Match on the account's commands takes it.
    queries: projections.map((projection) =>
      projection === accountSummaries
        ? { projection, store: readStore, streamVersionOf: (doc: Document) => Number(doc.version) }
        : { projection, store: readStore },
    ),
    runner,
    operations: {
      checks: { events: () => events.headPosition() },
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    },
    openapi: { title: 'Ordo banking example', version: '1.0.0' },
    // The example serves the console on loopback for anyone to try; a real service puts `guard` in front.
    console: {
      events,
      processes: [{ name: transferManager.projection.name, store: readStore }],
      ...(options.consoleLiveMs === undefined ? {} : { liveIntervalMs: options.consoleLiveMs }),
    },
  });

  return {
    infrastructure,
    events,
    readStore,
    accounts,
    transfers,
    runner,
    feeds,
    http,
    /** Starts the feed (the Kafka relay on the production stack), then the projections. */
    async start() {
      await infrastructure.start();
      await runner.start();
    },
    async close() {
      await runner.stop();
      await accounts.flush();
      await infrastructure.close();
    },
  };
}

export type BankingApp = ReturnType<typeof createBankingApp>;
