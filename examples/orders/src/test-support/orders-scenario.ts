import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { deadlineScenario } from './deadline-scenario.js';
import {
  getJson,
  getJsonAfter,
  headPosition,
  historyOf,
  type OrdersProcess,
  postCommand,
  waitForFulfilment,
} from './orders-process.js';
import {
  approved,
  declined,
  lowLimit,
  type OrdersStack,
  ordersScenarioContext,
  threeDSecure,
} from './orders-scenario-context.js';

export type { OrdersStack } from './orders-scenario-context.js';

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
  const context = ordersScenarioContext(stack);
  const { id, sku, latest, start, urlOf, addStock, placeOrder, fulfilment, readAfter } = context;

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

  deadlineScenario(context);
}
