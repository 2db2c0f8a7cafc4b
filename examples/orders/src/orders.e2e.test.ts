import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getJson,
  historyOf,
  killHard,
  type OrdersProcess,
  postCommand,
  startOrdersProcess,
  waitForFulfilment,
} from './test-support/orders-process.js';

const approved = '4242424242424242';
const declined = '4000000000000002';
const threeDSecure = '4000002500003155';
const lowLimit = '4000000000009995';

const dataDir = mkdtempSync(join(tmpdir(), 'ordo-orders-e2e-'));
// A second store for the process with a short payment deadline and no conflict retries.
const strictDir = mkdtempSync(join(tmpdir(), 'ordo-orders-strict-'));
const strictEnv = { ORDERS_PAYMENT_TIMEOUT_MS: '1000', ORDERS_CONFLICT_ATTEMPTS: '1' };
const running: OrdersProcess[] = [];
let url = '';

async function start(dir = dataDir, env: Record<string, string> = {}): Promise<OrdersProcess> {
  const orders = await startOrdersProcess(dir, env);
  running.push(orders);
  return orders;
}

beforeAll(async () => {
  url = (await start()).url;
});
afterAll(async () => {
  await Promise.all(running.map(killHard));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(strictDir, { recursive: true, force: true });
});

const addStock = (base: string, sku: string, quantity: number) =>
  postCommand(base, '/inventories/main/commands/add-stock', { sku, quantity });
const placeOrder = (
  base: string,
  orderId: string,
  lines: { sku: string; quantity: number; unitPrice: number }[],
  cardNumber = approved,
  customerId = 'e2e',
) => postCommand(base, `/orders/${orderId}/commands/place-order`, { customerId, currency: 'EUR', lines, cardNumber });
/** Reads a document once its projection has passed `position` (read-your-writes). */
const readAfter = async (base: string, path: string, position: string) =>
  (await getJson(base, path, { 'ordo-after-position': position })).body;

const happyHistory = [
  'ProcessStarted',
  ...['StepSucceeded:0', 'StepSucceeded:1', 'StepAwaiting:2', 'StepSucceeded:2'],
  ...['StepSucceeded:3', 'StepSucceeded:4', 'StepSucceeded:5', 'StepSucceeded:6'],
  'ProcessCompleted',
];

describe('orders example over HTTP (a real process on a free port)', () => {
  it('seeds demo stock and two demo orders on first start: one ships, one is declined', async () => {
    const shipped = await waitForFulfilment(url, 'demo-1');
    expect(shipped.doc).toMatchObject({ status: 'completed', failure: null });
    const declinedDemo = await waitForFulfilment(url, 'demo-2');
    expect(declinedDemo.doc).toMatchObject({ status: 'compensated', failure: { code: 'CARD_DECLINED' } });
    const stock = await getJson(url, '/stock?sort=sku', { 'ordo-after-position': shipped.position });
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
    await addStock(url, 'HAPPY-A', 5);
    await addStock(url, 'HAPPY-B', 1);
    const placed = await placeOrder(url, 'o-happy', [
      { sku: 'HAPPY-A', quantity: 2, unitPrice: 10_00 },
      { sku: 'HAPPY-B', quantity: 1, unitPrice: 5_50 },
    ]);
    expect(placed.status).toBe(200);
    expect(placed.headers.get('etag')).toBe('"1"');

    const { doc, position } = await waitForFulfilment(url, 'o-happy');
    expect(doc).toMatchObject({ status: 'completed', failure: null, deadlineAt: null });
    expect(historyOf(doc)).toEqual(happyHistory);
    expect(await readAfter(url, '/orders/o-happy', position)).toMatchObject({
      status: 'shipped',
      payment: 'captured',
      total: 25_50,
      cardLast4: '4242',
      version: 4,
    });
    expect(await readAfter(url, '/stock/main:HAPPY-A', position)).toMatchObject({
      onHand: 3,
      reserved: 0,
      available: 3,
    });
    expect(await readAfter(url, '/stock/main:HAPPY-B', position)).toMatchObject({
      onHand: 0,
      reserved: 0,
      available: 0,
    });
  });

  it('reads its own writes with Ordo-After-Position', async () => {
    const added = await addStock(url, 'RYW', 7);
    const position = added.headers.get('ordo-position');
    expect(Number(position)).toBeGreaterThan(0);
    expect(await readAfter(url, '/stock/main:RYW', position ?? '')).toMatchObject({ onHand: 7, available: 7 });
    const again = await addStock(url, 'RYW', 3);
    expect(await readAfter(url, '/stock/main:RYW', again.headers.get('ordo-position') ?? '')).toMatchObject({
      onHand: 10,
    });
    const placed = await placeOrder(url, 'o-ryw', [{ sku: 'RYW', quantity: 1, unitPrice: 1_00 }]);
    const summary = await readAfter(url, '/orders/o-ryw', placed.headers.get('ordo-position') ?? '');
    expect(summary).toMatchObject({ orderId: 'o-ryw', customerId: 'e2e', total: 1_00 });
  });

  it('cancels an order whose payment is declined: stock released, then the order cancelled', async () => {
    await addStock(url, 'DECLINE', 2);
    await placeOrder(url, 'o-declined', [{ sku: 'DECLINE', quantity: 2, unitPrice: 9_99 }], declined);
    const { doc, position } = await waitForFulfilment(url, 'o-declined');
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
    expect(await readAfter(url, '/orders/o-declined', position)).toMatchObject({
      status: 'cancelled',
      payment: 'none',
      cancellationReason: 'The order could not be fulfilled',
    });
    expect(await readAfter(url, '/stock/main:DECLINE', position)).toMatchObject({ onHand: 2, reserved: 0 });

    // Over the card's limit is declined the same way.
    await placeOrder(url, 'o-over-limit', [{ sku: 'DECLINE', quantity: 1, unitPrice: 30_00 }], lowLimit);
    const overLimit = await waitForFulfilment(url, 'o-over-limit');
    expect(overLimit.doc).toMatchObject({ status: 'compensated', failure: { step: 2, code: 'CARD_LIMIT_EXCEEDED' } });
  });

  it('cancels an order that is out of stock, reserving nothing', async () => {
    await addStock(url, 'SCARCE', 1);
    await placeOrder(url, 'o-scarce', [{ sku: 'SCARCE', quantity: 2, unitPrice: 1_00 }]);
    const { doc, position } = await waitForFulfilment(url, 'o-scarce');
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
    expect(await readAfter(url, '/orders/o-scarce', position)).toMatchObject({
      status: 'cancelled',
      payment: 'none',
    });
    expect(await readAfter(url, '/stock/main:SCARCE', position)).toMatchObject({ onHand: 1, reserved: 0 });
  });

  it('waits for 3-D Secure and ships once the customer completes it', async () => {
    await addStock(url, 'SECURE', 1);
    await placeOrder(url, 'o-3ds', [{ sku: 'SECURE', quantity: 1, unitPrice: 42_00 }], threeDSecure);
    const awaiting = await waitForFulfilment(url, 'o-3ds', (doc) => doc.status === 'awaiting');
    expect(awaiting.doc).toMatchObject({ stepName: 'authorise-payment', deadlineAt: expect.any(String) });
    expect(await readAfter(url, '/orders/o-3ds', awaiting.position)).toMatchObject({
      status: 'accepted',
      payment: 'authentication-required',
    });

    const completed = await postCommand(url, '/payments/o-3ds/commands/complete-authentication', {});
    expect(completed.status).toBe(200);
    const { doc, position } = await waitForFulfilment(url, 'o-3ds');
    expect(doc).toMatchObject({ status: 'completed' });
    expect(historyOf(doc)).toEqual(happyHistory);
    expect(await readAfter(url, '/orders/o-3ds', position)).toMatchObject({ status: 'shipped', payment: 'captured' });
  });

  it('lists a customer’s orders newest first, page by page', async () => {
    await addStock(url, 'PAGED', 10);
    let last = '';
    for (const id of ['p-1', 'p-2', 'p-3']) {
      const placed = await placeOrder(url, id, [{ sku: 'PAGED', quantity: 1, unitPrice: 2_00 }], approved, 'paula');
      last = placed.headers.get('ordo-position') ?? '';
    }
    const first = await getJson(url, '/customer-orders?filter[customerId]=paula&sort=-placedAt&limit=2', {
      'ordo-after-position': last,
    });
    const ids = (page: Record<string, unknown>) => (page.items as { id: string }[]).map((item) => item.id);
    expect(ids(first.body)).toEqual(['p-3', 'p-2']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await getJson(
      url,
      `/customer-orders?filter[customerId]=paula&sort=-placedAt&limit=2&cursor=${first.body.nextCursor as string}`,
    );
    expect(ids(second.body)).toEqual(['p-1']);
    expect(second.body.nextCursor).toBeUndefined();
    const row = (first.body.items as { document: Record<string, unknown> }[])[0]?.document;
    expect(row).toMatchObject({ customerId: 'paula', total: 2_00, currency: 'EUR', items: 1 });
  });

  it('answers bad input with 400, domain rejections with 422, stale versions with 412, unknown ids with 404', async () => {
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
      orderId: 'manual',
      lines: [{ sku: 'HAPPY-A', quantity: 99 }],
    });
    expect(tooMany).toMatchObject({
      status: 422,
      body: { code: 'OUT_OF_STOCK', details: { shortages: [{ sku: 'HAPPY-A', requested: 99, available: 3 }] } },
    });
    const shippedCancel = await postCommand(url, '/orders/o-happy/commands/cancel-order', { reason: 'too late' });
    expect(shippedCancel).toMatchObject({ status: 422, body: { code: 'ORDER_NOT_CANCELLABLE' } });

    await addStock(url, 'IFMATCH', 1);
    await placeOrder(url, 'o-ifmatch', [{ sku: 'IFMATCH', quantity: 1, unitPrice: 1_00 }], threeDSecure);
    await waitForFulfilment(url, 'o-ifmatch', (doc) => doc.status === 'awaiting');
    const stale = await postCommand(
      url,
      '/orders/o-ifmatch/commands/cancel-order',
      { reason: 'changed my mind' },
      { 'if-match': '"1"' },
    );
    expect(stale).toMatchObject({ status: 412, body: { code: 'PRECONDITION_FAILED', currentVersion: 2 } });
    const current = await postCommand(
      url,
      '/orders/o-ifmatch/commands/cancel-order',
      { reason: 'changed my mind' },
      { 'if-match': '"2"' },
    );
    expect(current.status).toBe(200);
    expect(current.headers.get('etag')).toBe('"3"');

    const missing = await getJson(url, '/orders/no-such-order');
    expect(missing).toMatchObject({ status: 404, body: { code: 'DOCUMENT_NOT_FOUND' } });
  });

  it('stops cleanly on SIGINT and keeps its data for the next start', async () => {
    const first = running[0] as OrdersProcess;
    first.child.kill('SIGINT');
    const [code] = await once(first.child, 'exit');
    expect(code).toBe(0);
    const second = await start();
    url = second.url;
    expect((await getJson(url, '/orders/o-happy')).body).toMatchObject({ status: 'shipped', payment: 'captured' });
    expect(second.output()).not.toContain('demo stock and orders created');
  });
});

describe('orders example with short payment deadlines and no conflict retries', () => {
  let strict: OrdersProcess;
  beforeAll(async () => {
    strict = await start(strictDir, strictEnv);
  });

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
    await addStock(strict.url, 'SLOW', 2);
    await placeOrder(strict.url, 'o-slow', [{ sku: 'SLOW', quantity: 2, unitPrice: 3_00 }], threeDSecure);
    const { doc, position } = await waitForFulfilment(strict.url, 'o-slow');
    expect(doc).toMatchObject({
      status: 'compensated',
      stepName: 'authorise-payment',
      failure: { step: 2, reason: 'timeout', code: 'DEADLINE_EXPIRED' },
    });
    expect(historyOf(doc)).toEqual(timedOutHistory);
    expect(await readAfter(strict.url, '/orders/o-slow', position)).toMatchObject({
      status: 'cancelled',
      payment: 'voided',
    });
    expect(await readAfter(strict.url, '/stock/main:SLOW', position)).toMatchObject({ onHand: 2, reserved: 0 });

    const late = await postCommand(strict.url, '/payments/o-slow/commands/complete-authentication', {});
    expect(late).toMatchObject({ status: 422, body: { code: 'PAYMENT_VOIDED' } });
  });

  it('keeps the deadline across a crash: it fires after the restart', async () => {
    // A 3 s deadline, so the process is surely killed while the payment is still awaited.
    const dir = mkdtempSync(join(tmpdir(), 'ordo-orders-crash-'));
    const env = { ORDERS_PAYMENT_TIMEOUT_MS: '3000' };
    try {
      const first = await start(dir, env);
      await addStock(first.url, 'CRASH', 1);
      await placeOrder(first.url, 'o-crash', [{ sku: 'CRASH', quantity: 1, unitPrice: 3_00 }], threeDSecure);
      await waitForFulfilment(first.url, 'o-crash', (doc) => doc.status === 'awaiting');
      await killHard(first);
      const killedAt = new Date().toISOString();
      const second = await start(dir, env);
      const { doc } = await waitForFulfilment(second.url, 'o-crash');
      expect(doc).toMatchObject({ status: 'compensated', failure: { reason: 'timeout' } });
      expect(historyOf(doc)).toEqual(timedOutHistory);
      const expired = (doc.history as { type: string; at: string }[]).find((entry) => entry.type === 'DeadlineExpired');
      expect(expired?.at.localeCompare(killedAt)).toBe(1);
      await killHard(second);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a version conflict left after the retries with 409', async () => {
    // With one attempt per command, concurrent writes to one stream collide; repeat until one does.
    const conflicts: Record<string, unknown>[] = [];
    let accepted = 0;
    let last = 0;
    for (let burst = 0; burst < 5 && conflicts.length === 0; burst += 1) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          postCommand(strict.url, '/inventories/busy/commands/add-stock', { sku: 'BUSY', quantity: 1 }),
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
    expect(await readAfter(strict.url, '/stock/busy:BUSY', String(last))).toMatchObject({ onHand: accepted });
  });
});
