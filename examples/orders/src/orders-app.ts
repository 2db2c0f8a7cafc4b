import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createCommandHandler, snapshotEvery } from '@ordo/core';
import { createOrdoApp } from '@ordo/http';
import {
  createDeadlineScheduler,
  createProcessManager,
  createProjectionRunner,
  createStoreEventSource,
} from '@ordo/projections';
import {
  createSqliteDeadLetterStore,
  createSqliteDeadlineStore,
  createSqliteEventStore,
  createSqliteReadStore,
  createSqliteSnapshotStore,
} from '@ordo/sqlite';
import { inventory } from './domain/inventory.js';
import { order } from './domain/order.js';
import { payment } from './domain/payment.js';
import { defineFulfilmentProcess } from './processes/fulfilment-process.js';
import { customerOrders } from './projections/customer-orders.js';
import { orderSummaries } from './projections/order-summary.js';
import { stockLevels } from './projections/stock-levels.js';

export const ordersProjections = [orderSummaries, customerOrders, stockLevels] as const;

export interface OrdersAppOptions {
  /** Folder for the SQLite file; created when missing. */
  readonly dataDir: string;
  /** How long a payment may wait for `PaymentAuthorised` (3-D Secure) before the order is given up. */
  readonly paymentTimeoutMs: number;
  /** Attempts of a command on a version conflict before it is answered with 409. */
  readonly conflictAttempts: number;
}

/**
 * The orders example on the embedded default: one SQLite file holds events, snapshots, read models,
 * checkpoints, dead letters and the fulfilment process's deadlines; the projection runner drives
 * the projections and the process in-process, and the deadline scheduler fires payment timeouts.
 */
export function createOrdersApp(options: OrdersAppOptions) {
  mkdirSync(options.dataDir, { recursive: true });
  const events = createSqliteEventStore({ path: join(options.dataDir, 'orders.sqlite') });
  const { database } = events;
  const readStore = createSqliteReadStore({ database });
  const retry = { maxAttempts: options.conflictAttempts };
  const orders = createCommandHandler(order, { store: events, retry });
  const payments = createCommandHandler(payment, { store: events, retry });
  // Every order reserves from the one warehouse stream: snapshots keep its loads short.
  const stock = createCommandHandler(inventory, {
    store: events,
    retry,
    snapshots: { store: createSqliteSnapshotStore({ database }), policy: snapshotEvery(100) },
  });
  const deadlines = createSqliteDeadlineStore({ database });
  const fulfilment = createProcessManager(defineFulfilmentProcess({ paymentTimeoutMs: options.paymentTimeoutMs }), {
    store: events,
    handlers: { orders, inventory: stock, payments },
    deadlines,
  });
  const scheduler = createDeadlineScheduler({
    deadlines,
    processManagers: [fulfilment],
    onError: (error) => console.error('deadline failed to fire; retrying', error),
  });
  const runner = createProjectionRunner({
    source: createStoreEventSource(events),
    store: readStore,
    deadLetters: createSqliteDeadLetterStore({ database }),
    projections: [...ordersProjections, fulfilment.projection],
  });
  const http = createOrdoApp({
    commands: [orders, payments, { handler: stock, resource: 'inventories' }],
    queries: [...ordersProjections, fulfilment.projection].map((projection) => ({ projection, store: readStore })),
    runner,
    operations: { checks: { events: () => events.headPosition() } },
    openapi: { title: 'Ordo orders example', version: '1.0.0' },
  });

  return {
    events,
    readStore,
    orders,
    payments,
    stock,
    runner,
    scheduler,
    http,
    /** Follows the store: projections, the fulfilment process and its deadlines. */
    async start() {
      await runner.start();
      scheduler.start();
    },
    async close() {
      await scheduler.stop();
      await runner.stop();
      await stock.flush();
      await events.close();
    },
  };
}

export type OrdersApp = ReturnType<typeof createOrdersApp>;
