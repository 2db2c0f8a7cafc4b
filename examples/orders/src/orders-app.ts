import { createCommandHandler, snapshotEvery } from '@ordo/core';
import { createOrdoApp } from '@ordo/http';
import { createDeadlineScheduler, createProcessManager, createSplitFeedRunner } from '@ordo/projections';
import type { Infrastructure } from '@ordo-examples/stack';
import { inventory } from './domain/inventory.js';
import { order } from './domain/order.js';
import { payment } from './domain/payment.js';
import { defineFulfilmentProcess } from './processes/fulfilment-process.js';
import { customerOrders } from './projections/customer-orders.js';
import { orderSummaries } from './projections/order-summary.js';
import { stockLevels } from './projections/stock-levels.js';

export const ordersProjections = [orderSummaries, customerOrders, stockLevels] as const;

export interface OrdersAppOptions {
  /** How long a payment may wait for `PaymentAuthorised` (3-D Secure) before the order is given up. */
  readonly paymentTimeoutMs: number;
  /** Attempts of a command on a version conflict before it is answered with 409. */
  readonly conflictAttempts: number;
  /** What `GET /metrics` serves (the OpenTelemetry Prometheus exporter's text); default the projection gauges. */
  readonly metrics?: () => Promise<string>;
}

/**
 * The orders example on any infrastructure (embedded SQLite or the production stack): command
 * handlers, the fulfilment process manager and its deadline scheduler, the projection runner(s)
 * and the HTTP app.
 *
 * @example
 * const app = createOrdersApp(openEmbeddedInfrastructure({ dataDir: 'data', name: 'orders' }), { paymentTimeoutMs: 120_000, conflictAttempts: 8 });
 * await app.start();
 * await startServer(app.http, { port: 3001 });
 */
export function createOrdersApp(infrastructure: Infrastructure, options: OrdersAppOptions) {
  const { events, readStore, deadlines, storeSource, streamSource, deadLetters } = infrastructure;
  const retry = { maxAttempts: options.conflictAttempts };
  const orders = createCommandHandler(order, { store: events, retry });
  const payments = createCommandHandler(payment, { store: events, retry });
  // Every order reserves from the one warehouse stream: snapshots keep its loads short.
  const stock = createCommandHandler(inventory, {
    store: events,
    retry,
    snapshots: { store: infrastructure.snapshots, policy: snapshotEvery(100) },
  });
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
  const projections = [...ordersProjections, fulfilment.projection];
  const runner = createSplitFeedRunner({ storeSource, streamSource, store: readStore, deadLetters, projections });
  const { feeds } = runner;
  const http = createOrdoApp({
    // Customer- and operator-facing commands only: the fulfilment process sends the rest itself.
    commands: [
      { handler: orders, only: ['PlaceOrder', 'CancelOrder'] },
      { handler: payments, only: ['CompleteAuthentication'] },
      { handler: stock, resource: 'inventories', only: ['AddStock', 'ReserveStock'] },
    ],
    queries: projections.map((projection) => ({ projection, store: readStore })),
    runner,
    operations: {
      checks: { events: () => events.headPosition() },
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    },
    openapi: { title: 'Ordo orders example', version: '1.0.0' },
  });

  return {
    infrastructure,
    events,
    readStore,
    orders,
    payments,
    stock,
    runner,
    feeds,
    scheduler,
    http,
    /** Follows the store: the feed (the Kafka relay on the production stack), projections, the fulfilment process and its deadlines. */
    async start() {
      await infrastructure.start();
      await runner.start();
      scheduler.start();
    },
    async close() {
      await scheduler.stop();
      await runner.stop();
      await stock.flush();
      await infrastructure.close();
    },
  };
}

export type OrdersApp = ReturnType<typeof createOrdersApp>;
