import { afterAll } from 'vitest';
import {
  getJsonAfter,
  killHard,
  type OrdersProcess,
  postCommand,
  startOrdersProcess,
  stopGracefully,
  waitForFulfilment,
} from './orders-process.js';

/** What the scenario runs on: the embedded default or the production stack. */
export interface OrdersStack {
  /** The environment of a process on store `store`; the same for every call with the same name. */
  env(store: string): Record<string, string>;
  /** The id an order, customer or warehouse of the scenario gets: runs that share an EventStoreDB need their own. */
  id(name: string): string;
  /** The same for a SKU (upper-case letters, digits and `-`). */
  sku(name: string): string;
  /** The event store starts empty, so the demo's stock levels are known exactly. */
  readonly freshEventStore: boolean;
}

// Test cards of the simulated gateway.
export const approved = '4242424242424242';
export const declined = '4000000000000002';
export const threeDSecure = '4000002500003155';
export const lowLimit = '4000000000009995';

/**
 * What both parts of the scenario share: processes started per store (and killed at the end) and
 * the HTTP calls they repeat, with ids made unique per run by the stack.
 */
export function ordersScenarioContext(stack: OrdersStack) {
  const { id, sku } = stack;
  const running: OrdersProcess[] = [];
  /** The newest process per store, with the environment it was started with. */
  const latest = new Map<string, OrdersProcess>();
  afterAll(async () => {
    await Promise.all(running.map(killHard));
  });

  /**
   * Stops every other process first: processes sharing an EventStoreDB would run each other's
   * fulfilments, and two on one Kafka topic would share out its partitions.
   */
  async function start(store: string, env: Record<string, string> = {}): Promise<OrdersProcess> {
    await Promise.all(running.map(stopGracefully));
    const orders = await startOrdersProcess({ ...stack.env(store), ...env });
    running.push(orders);
    latest.set(store, orders);
    return orders;
  }
  /** The running process of `store`, started again if another store's process stopped it. */
  async function urlOf(store: string, env: Record<string, string> = {}): Promise<string> {
    const current = latest.get(store);
    if (current !== undefined && current.child.exitCode === null && current.child.signalCode === null)
      return current.url;
    return (await start(store, env)).url;
  }

  const addStock = (base: string, name: string, quantity: number) =>
    postCommand(base, '/inventories/main/commands/add-stock', { sku: sku(name), quantity });
  const placeOrder = (
    base: string,
    orderId: string,
    lines: { sku: string; quantity: number; unitPrice: number }[],
    cardNumber = approved,
    customerId = 'e2e',
  ) =>
    postCommand(base, `/orders/${id(orderId)}/commands/place-order`, {
      customerId: id(customerId),
      currency: 'EUR',
      lines: lines.map((line) => ({ ...line, sku: /^[A-Z]/.test(line.sku) ? sku(line.sku) : line.sku })),
      cardNumber,
    });
  const fulfilment = (base: string, orderId: string, done?: (doc: Record<string, unknown>) => boolean) =>
    waitForFulfilment(base, id(orderId), done);
  /** Reads a document once its projection has passed `position` (read-your-writes). */
  const readAfter = async (base: string, path: string, position: string) =>
    (await getJsonAfter(base, path, position)).body;

  return { id, sku, latest, start, urlOf, addStock, placeOrder, fulfilment, readAfter };
}

export type OrdersScenarioContext = ReturnType<typeof ordersScenarioContext>;
