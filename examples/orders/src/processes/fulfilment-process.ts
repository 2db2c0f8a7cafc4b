import { defineProcessManager } from '@ordo/projections';
import { z } from 'zod';
import { inventory } from '../domain/inventory.js';
import { order } from '../domain/order.js';
import { payment } from '../domain/payment.js';

/** The example runs one warehouse; its stock is the `Inventory` aggregate with this id. */
export const warehouseId = 'main';

const fulfilmentData = z.object({
  orderId: z.string(),
  customerId: z.string(),
  currency: z.string(),
  total: z.number().int(),
  cardNumber: z.string(),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
});
type FulfilmentData = z.infer<typeof fulfilmentData>;

const toOrder = (data: FulfilmentData, type: 'AcceptOrder' | 'ConfirmOrder' | 'ShipOrder') =>
  ({ target: 'orders', id: data.orderId, command: { type, data: {} } }) as const;
const toStock = (data: FulfilmentData, type: 'ReleaseReservation' | 'CommitReservation') =>
  ({ target: 'inventory', id: warehouseId, command: { type, data: { orderId: data.orderId } } }) as const;
const toPayment = (data: FulfilmentData, type: 'VoidPayment' | 'CapturePayment') =>
  ({ target: 'payments', id: data.orderId, command: { type, data: {} } }) as const;

export interface FulfilmentOptions {
  /** How long the customer has to pass 3-D Secure before the order is given up. */
  readonly paymentTimeoutMs: number;
}

/**
 * From `OrderPlaced` to a shipped order: accept it, reserve its stock, authorise the payment (and
 * wait for `PaymentAuthorised`, with a deadline), confirm, commit the stock, capture, ship. When a
 * step fails, the steps that took effect are undone in reverse: void the payment, release the
 * stock, cancel the order. Status documents are served at `GET /fulfilments/:orderId`.
 */
export function defineFulfilmentProcess(options: FulfilmentOptions) {
  return defineProcessManager({
    name: 'fulfilments',
    partitions: 4,
    sources: [order, payment],
    targets: { orders: order, inventory, payments: payment },
    data: fulfilmentData,
    startedBy: {
      OrderPlaced: (event) => {
        const orderId = event.streamId.slice(order.streamPrefix.length + 1);
        const { customerId, currency, total, cardNumber, lines } = event.data;
        const reserved = lines.map(({ sku, quantity }) => ({ sku, quantity }));
        return { processId: orderId, data: { orderId, customerId, currency, total, cardNumber, lines: reserved } };
      },
    },
    // A payment has its order's id, so an awaited payment event names its process by its stream.
    correlate: (event) =>
      event.streamId.startsWith(`${payment.streamPrefix}-`)
        ? event.streamId.slice(payment.streamPrefix.length + 1)
        : undefined,
    steps: [
      {
        name: 'accept-order',
        command: (data) => toOrder(data, 'AcceptOrder'),
        compensate: (data) =>
          ({
            target: 'orders',
            id: data.orderId,
            command: { type: 'CancelOrder', data: { reason: 'The order could not be fulfilled' } },
          }) as const,
      },
      {
        name: 'reserve-stock',
        command: (data) =>
          ({
            target: 'inventory',
            id: warehouseId,
            command: { type: 'ReserveStock', data: { orderId: data.orderId, lines: data.lines } },
          }) as const,
        compensate: (data) => toStock(data, 'ReleaseReservation'),
      },
      {
        name: 'authorise-payment',
        command: (data) =>
          ({
            target: 'payments',
            id: data.orderId,
            command: {
              type: 'AuthorisePayment',
              data: { amount: data.total, currency: data.currency, cardNumber: data.cardNumber },
            },
          }) as const,
        // Approved cards answer at once; 3-D Secure cards once the customer completes the challenge. An
        // immediate PaymentAuthorised still counts: the runner delivers it after the step is recorded as awaiting.
        awaits: { event: 'PaymentAuthorised', timeoutMs: options.paymentTimeoutMs },
        compensate: (data) => toPayment(data, 'VoidPayment'),
      },
      { name: 'confirm-order', command: (data) => toOrder(data, 'ConfirmOrder') },
      { name: 'commit-stock', command: (data) => toStock(data, 'CommitReservation') },
      { name: 'capture-payment', command: (data) => toPayment(data, 'CapturePayment') },
      { name: 'ship-order', command: (data) => toOrder(data, 'ShipOrder') },
    ],
  });
}
