import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import {
  getJson,
  getJsonAfter,
  headPosition,
  historyOf,
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

const approved = '4242424242424242';
const declined = '4000000000000002';
const threeDSecure = '4000002500003155';
const lowLimit = '4000000000009995';

const happyHistory = [
  'ProcessStarted',
  ...['StepSucceeded:0', 'StepSucceeded:1', 'StepAwaiting:2', 'StepSucceeded:2'],
  ...['StepSucceeded:3', 'StepSucceeded:4', 'StepSucceeded:5', 'StepSucceeded:6'],
  'ProcessCompleted',
];

/**
 * The orders example's end-to-end scenario over real HTTP, for the embedded default
 * (`orders.e2e.test.ts`) and the production stack (`orders.int.test.ts`).
 */
export function ordersScenario(stack: OrdersStack): void {
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

  describe('orders example over HTTP (a real process on a free port)', () => {
    it('seeds demo stock and two demo orders on first start: one ships, one is declined', async () => {
      const url = await urlOf('main');
      const shipped = await waitForFulfilment(url, 'demo-1');
      expect(shipped.doc).toMatchObject({ status: 'completed', failure: null });
      const declinedDemo = await waitForFulfilment(url, 'demo-2');
      expect(declinedDemo.doc).toMatchObject({ status: 'compensated', failure: { code: 'CARD_DECLINED' } });
      const stock = await getJsonAfter(url, '/stock?sort=sku', shipped.position);
      if (!stack.freshEventStore) return;
      const levels = (stock.body.items as { id: string; document: { onHand: number; reserved: number } }[]).map(
        (item) => [item.id, item.document.onHand, item.document.reserved],
      );
      expect(levels).toEqual([
        ['main:LAMP-DESK', 1, 0],
        ['main:MUG-BLUE', 23, 0],
        ['main:POSTER-A2', 3, 0],
        ['main:TEE-M', 9, 0],
      ]);
    });

    it('ships an order: confirmed, stock decremented, payment captured', async () => {
      const url = await urlOf('main');
      await addStock(url, 'HAPPY-A', 5);
      await addStock(url, 'HAPPY-B', 1);
      const placed = await placeOrder(url, 'o-happy', [
        { sku: 'HAPPY-A', quantity: 2, unitPrice: 10_00 },
        { sku: 'HAPPY-B', quantity: 1, unitPrice: 5_50 },
      ]);
      expect(placed.status).toBe(200);
      expect(placed.headers.get('etag')).toBe('"1"');

      const { doc, position } = await fulfilment(url, 'o-happy');
      expect(doc).toMatchObject({ status: 'completed', failure: null, deadlineAt: null });
      expect(historyOf(doc)).toEqual(happyHistory);
      expect(await readAfter(url, `/orders/${id('o-happy')}`, position)).toMatchObject({
        status: 'shipped',
        payment: 'captured',
        total: 25_50,
        cardLast4: '4242',
        version: 4,
      });
      expect(await readAfter(url, `/stock/main:${sku('HAPPY-A')}`, position)).toMatchObject({
        onHand: 3,
        reserved: 0,
        available: 3,
      });
      expect(await readAfter(url, `/stock/main:${sku('HAPPY-B')}`, position)).toMatchObject({
        onHand: 0,
        reserved: 0,
        available: 0,
      });
    });

    it('reads its own writes with Ordo-After-Position', async () => {
      const url = await urlOf('main');
      const added = await addStock(url, 'RYW', 7);
      const position = added.headers.get('ordo-position');
      expect(Number(position)).toBeGreaterThan(0);
      expect(await readAfter(url, `/stock/main:${sku('RYW')}`, position ?? '')).toMatchObject({
        onHand: 7,
        available: 7,
      });
      const again = await addStock(url, 'RYW', 3);
      expect(await readAfter(url, `/stock/main:${sku('RYW')}`, again.headers.get('ordo-position') ?? '')).toMatchObject(
        {
          onHand: 10,
        },
      );
      const placed = await placeOrder(url, 'o-ryw', [{ sku: 'RYW', quantity: 1, unitPrice: 1_00 }]);
      const summary = await readAfter(url, `/orders/${id('o-ryw')}`, placed.headers.get('ordo-position') ?? '');
      expect(summary).toMatchObject({ orderId: id('o-ryw'), customerId: id('e2e'), total: 1_00 });
    });

    it('cancels an order whose payment is declined: stock released, then the order cancelled', async () => {
      const url = await urlOf('main');
      await addStock(url, 'DECLINE', 2);
      await placeOrder(url, 'o-declined', [{ sku: 'DECLINE', quantity: 2, unitPrice: 9_99 }], declined);
      const { doc, position } = await fulfilment(url, 'o-declined');
      expect(doc).toMatchObject({
        status: 'compensated',
        stepName: 'authorise-payment',
        failure: { step: 2, reason: 'rejected', code: 'CARD_DECLINED' },
      });
      // Nothing was authorised, so nothing is voided: the reservation, then the acceptance, are undone.
      expect(historyOf(doc)).toEqual([
        'ProcessStarted',
        'StepSucceeded:0',
        'StepSucceeded:1',
        'StepFailed:2',
        'CompensationSucceeded:1',
        'CompensationSucceeded:0',
        'ProcessCompensated',
      ]);
      expect(await readAfter(url, `/orders/${id('o-declined')}`, position)).toMatchObject({
        status: 'cancelled',
        payment: 'none',
        cancellationReason: 'The order could not be fulfilled',
      });
      expect(await readAfter(url, `/stock/main:${sku('DECLINE')}`, position)).toMatchObject({ onHand: 2, reserved: 0 });

      // Over the card's limit is declined the same way.
      await placeOrder(url, 'o-over-limit', [{ sku: 'DECLINE', quantity: 1, unitPrice: 30_00 }], lowLimit);
      const overLimit = await fulfilment(url, 'o-over-limit');
      expect(overLimit.doc).toMatchObject({ status: 'compensated', failure: { step: 2, code: 'CARD_LIMIT_EXCEEDED' } });
    });

    it('cancels an order that is out of stock, reserving nothing', async () => {
      const url = await urlOf('main');
      await addStock(url, 'SCARCE', 1);
      await placeOrder(url, 'o-scarce', [{ sku: 'SCARCE', quantity: 2, unitPrice: 1_00 }]);
      const { doc, position } = await fulfilment(url, 'o-scarce');
      expect(doc).toMatchObject({
        status: 'compensated',
        stepName: 'reserve-stock',
        failure: { step: 1, reason: 'rejected', code: 'OUT_OF_STOCK' },
      });
      expect(historyOf(doc)).toEqual([
        'ProcessStarted',
        'StepSucceeded:0',
        'StepFailed:1',
        'CompensationSucceeded:0',
        'ProcessCompensated',
      ]);
      expect(await readAfter(url, `/orders/${id('o-scarce')}`, position)).toMatchObject({
        status: 'cancelled',
        payment: 'none',
      });
      expect(await readAfter(url, `/stock/main:${sku('SCARCE')}`, position)).toMatchObject({ onHand: 1, reserved: 0 });
    });

    it('waits for 3-D Secure and ships once the customer completes it', async () => {
      const url = await urlOf('main');
      await addStock(url, 'SECURE', 1);
      await placeOrder(url, 'o-3ds', [{ sku: 'SECURE', quantity: 1, unitPrice: 42_00 }], threeDSecure);
      const awaiting = await fulfilment(url, 'o-3ds', (doc) => doc.status === 'awaiting');
      expect(awaiting.doc).toMatchObject({ stepName: 'authorise-payment', deadlineAt: expect.any(String) });
      expect(await readAfter(url, `/orders/${id('o-3ds')}`, awaiting.position)).toMatchObject({
        status: 'accepted',
        payment: 'authentication-required',
      });

      const completed = await postCommand(url, `/payments/${id('o-3ds')}/commands/complete-authentication`, {});
      expect(completed.status).toBe(200);
      const { doc, position } = await fulfilment(url, 'o-3ds');
      expect(doc).toMatchObject({ status: 'completed' });
      expect(historyOf(doc)).toEqual(happyHistory);
      expect(await readAfter(url, `/orders/${id('o-3ds')}`, position)).toMatchObject({
        status: 'shipped',
        payment: 'captured',
      });
    });

    it('lists a customer’s orders newest first, page by page', async () => {
      const url = await urlOf('main');
      const paula = id('paula');
      await addStock(url, 'PAGED', 10);
      let last = '';
      for (const orderId of ['p-1', 'p-2', 'p-3']) {
        const placed = await placeOrder(
          url,
          orderId,
          [{ sku: 'PAGED', quantity: 1, unitPrice: 2_00 }],
          approved,
          'paula',
        );
        last = placed.headers.get('ordo-position') ?? '';
      }
      const first = await getJsonAfter(
        url,
        `/customer-orders?filter[customerId]=${paula}&sort=-placedAt&limit=2`,
        last,
      );
      const ids = (page: Record<string, unknown>) => (page.items as { id: string }[]).map((item) => item.id);
      expect(ids(first.body)).toEqual([id('p-3'), id('p-2')]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await getJson(
        url,
        `/customer-orders?filter[customerId]=${paula}&sort=-placedAt&limit=2&cursor=${first.body.nextCursor as string}`,
      );
      expect(ids(second.body)).toEqual([id('p-1')]);
      expect(second.body.nextCursor).toBeUndefined();
      const row = (first.body.items as { document: Record<string, unknown> }[])[0]?.document;
      expect(row).toMatchObject({ customerId: paula, total: 2_00, currency: 'EUR', items: 1 });
    });

    it('answers bad input with 400, domain rejections with 422, stale versions with 412, unknown ids with 404', async () => {
      const url = await urlOf('main');
      const invalid = await placeOrder(url, 'o-bad', [{ sku: 'mug', quantity: 0, unitPrice: 1_00 }], '4242-4242');
      expect(invalid.status).toBe(400);
      expect(invalid.headers.get('content-type')).toContain('application/problem+json');
      expect(invalid.body).toMatchObject({ status: 400, code: 'INVALID_COMMAND' });
      const paths = (invalid.body.issues as { path: (string | number)[] }[]).map((issue) => issue.path.join('.'));
      expect(paths).toEqual(expect.arrayContaining(['lines.0.sku', 'lines.0.quantity', 'cardNumber']));

      const again = await placeOrder(url, 'o-happy', [{ sku: 'HAPPY-A', quantity: 1, unitPrice: 1_00 }]);
      expect(again).toMatchObject({
        status: 422,
        body: { code: 'ORDER_EXISTS', type: 'urn:ordo:problem:domain-rejection' },
      });
      const tooMany = await postCommand(url, '/inventories/main/commands/reserve-stock', {
        orderId: id('manual'),
        lines: [{ sku: sku('HAPPY-A'), quantity: 99 }],
      });
      expect(tooMany).toMatchObject({
        status: 422,
        body: { code: 'OUT_OF_STOCK', details: { shortages: [{ sku: sku('HAPPY-A'), requested: 99, available: 3 }] } },
      });
      // Commands only the fulfilment process sends have no route.
      for (const internal of [
        `/orders/${id('o-happy')}/commands/ship-order`,
        `/payments/${id('o-happy')}/commands/capture-payment`,
      ]) {
        expect(await postCommand(url, internal, {})).toMatchObject({ status: 404, body: { code: 'ROUTE_NOT_FOUND' } });
      }
      const shippedCancel = await postCommand(url, `/orders/${id('o-happy')}/commands/cancel-order`, {
        reason: 'too late',
      });
      expect(shippedCancel).toMatchObject({ status: 422, body: { code: 'ORDER_NOT_CANCELLABLE' } });

      await addStock(url, 'IFMATCH', 1);
      await placeOrder(url, 'o-ifmatch', [{ sku: 'IFMATCH', quantity: 1, unitPrice: 1_00 }], threeDSecure);
      await fulfilment(url, 'o-ifmatch', (doc) => doc.status === 'awaiting');
      const stale = await postCommand(
        url,
        `/orders/${id('o-ifmatch')}/commands/cancel-order`,
        { reason: 'changed my mind' },
        { 'if-match': '"1"' },
      );
      expect(stale).toMatchObject({ status: 412, body: { code: 'PRECONDITION_FAILED', currentVersion: 2 } });
      const current = await postCommand(
        url,
        `/orders/${id('o-ifmatch')}/commands/cancel-order`,
        { reason: 'changed my mind' },
        { 'if-match': '"2"' },
      );
      expect(current.status).toBe(200);
      expect(current.headers.get('etag')).toBe('"3"');

      const missing = await getJson(url, '/orders/no-such-order');
      expect(missing).toMatchObject({ status: 404, body: { code: 'DOCUMENT_NOT_FOUND' } });
    });

    it('stops cleanly on SIGINT and keeps its data for the next start', async () => {
      await urlOf('main');
      const first = latest.get('main') as OrdersProcess;
      first.child.kill('SIGINT');
      const [code] = await once(first.child, 'exit');
      expect(code).toBe(0);
      const second = await start('main');
      const shipped = await getJsonAfter(second.url, `/orders/${id('o-happy')}`, await headPosition(second.url));
      expect(shipped.body).toMatchObject({ status: 'shipped', payment: 'captured' });
      expect(second.output()).not.toContain('demo stock and orders created');
    });
  });

  describe('orders example with short payment deadlines and no conflict retries', () => {
    // A second store for the process with a short payment deadline and no conflict retries.
    const strictEnv = { ORDERS_PAYMENT_TIMEOUT_MS: '1000', ORDERS_CONFLICT_ATTEMPTS: '1' };

    const timedOutHistory = [
      'ProcessStarted',
      'StepSucceeded:0',
      'StepSucceeded:1',
      'StepAwaiting:2',
      'DeadlineExpired:2',
      'CompensationSucceeded:2',
      'CompensationSucceeded:1',
      'CompensationSucceeded:0',
      'ProcessCompensated',
    ];

    it('voids the payment, releases the stock and cancels the order when 3-D Secure is not completed in time', async () => {
      const strict = { url: await urlOf('strict', strictEnv) };
      await addStock(strict.url, 'SLOW', 2);
      await placeOrder(strict.url, 'o-slow', [{ sku: 'SLOW', quantity: 2, unitPrice: 3_00 }], threeDSecure);
      const { doc, position } = await fulfilment(strict.url, 'o-slow');
      expect(doc).toMatchObject({
        status: 'compensated',
        stepName: 'authorise-payment',
        failure: { step: 2, reason: 'timeout', code: 'DEADLINE_EXPIRED' },
      });
      expect(historyOf(doc)).toEqual(timedOutHistory);
      expect(await readAfter(strict.url, `/orders/${id('o-slow')}`, position)).toMatchObject({
        status: 'cancelled',
        payment: 'voided',
      });
      expect(await readAfter(strict.url, `/stock/main:${sku('SLOW')}`, position)).toMatchObject({
        onHand: 2,
        reserved: 0,
      });

      const late = await postCommand(strict.url, `/payments/${id('o-slow')}/commands/complete-authentication`, {});
      expect(late).toMatchObject({ status: 422, body: { code: 'PAYMENT_VOIDED' } });
    });

    it('keeps the deadline across a crash: it fires after the restart', async () => {
      // A 3 s deadline, so the process is surely killed while the payment is still awaited.
      const env = { ORDERS_PAYMENT_TIMEOUT_MS: '3000' };
      const first = await start('crash', env);
      await addStock(first.url, 'CRASH', 1);
      await placeOrder(first.url, 'o-crash', [{ sku: 'CRASH', quantity: 1, unitPrice: 3_00 }], threeDSecure);
      await fulfilment(first.url, 'o-crash', (doc) => doc.status === 'awaiting');
      await killHard(first);
      const killedAt = new Date().toISOString();
      const second = await start('crash', env);
      const { doc } = await fulfilment(second.url, 'o-crash');
      expect(doc).toMatchObject({ status: 'compensated', failure: { reason: 'timeout' } });
      expect(historyOf(doc)).toEqual(timedOutHistory);
      const expired = (doc.history as { type: string; at: string }[]).find((entry) => entry.type === 'DeadlineExpired');
      expect(expired?.at.localeCompare(killedAt)).toBe(1);
      await stopGracefully(second);
    });

    it('answers a version conflict left after the retries with 409', async () => {
      // With one attempt per command, concurrent writes to one stream collide; repeat until one does.
      const strict = { url: await urlOf('strict', strictEnv) };
      const busy = id('busy');
      const conflicts: Record<string, unknown>[] = [];
      let accepted = 0;
      let last = 0;
      for (let burst = 0; burst < 5 && conflicts.length === 0; burst += 1) {
        const answers = await Promise.all(
          Array.from({ length: 20 }, () =>
            postCommand(strict.url, `/inventories/${busy}/commands/add-stock`, { sku: sku('BUSY'), quantity: 1 }),
          ),
        );
        for (const answer of answers) {
          if (answer.status === 200) {
            accepted += 1;
            last = Math.max(last, answer.body.position as number);
          } else conflicts.push({ status: answer.status, ...answer.body });
        }
      }
      expect(conflicts.length).toBeGreaterThan(0);
      expect(conflicts[0]).toMatchObject({
        status: 409,
        code: 'CONCURRENCY_CONFLICT',
        // A number, or 'no_stream' when the colliding write created the stream.
        expectedVersion: expect.anything(),
        currentVersion: expect.any(Number),
      });
      expect(conflicts.every((conflict) => conflict.status === 409)).toBe(true);
      // Only the acknowledged commands took effect.
      expect(await readAfter(strict.url, `/stock/${busy}:${sku('BUSY')}`, String(last))).toMatchObject({
        onHand: accepted,
      });
    });
  });
}
