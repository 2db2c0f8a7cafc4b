import { describe, expect, it } from 'vitest';
import { historyOf, killHard, postCommand, stopGracefully } from './orders-process.js';
import { type OrdersScenarioContext, threeDSecure } from './orders-scenario-context.js';

/** Payment deadlines (also across a crash) and a conflict left after the retries, on their own stores. */
export function deadlineScenario(context: OrdersScenarioContext): void {
  const { id, sku, start, urlOf, addStock, placeOrder, fulfilment, readAfter } = context;

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
