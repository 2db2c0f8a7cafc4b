import { defineProjection } from '@ordo/projections';
import { z } from 'zod';
import { order } from '../domain/order.js';
import { payment } from '../domain/payment.js';

export const orderSummaryDocument = z.object({
  orderId: z.string(),
  customerId: z.string(),
  status: z.enum(['placed', 'accepted', 'confirmed', 'shipped', 'cancelled']),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int(), unitPrice: z.number().int() })),
  total: z.number().int(),
  currency: z.string(),
  /** `none` until the gateway holds an authorisation (or asks for 3-D Secure). */
  payment: z.enum(['none', 'authentication-required', 'authorised', 'voided', 'captured']),
  cardLast4: z.string(),
  cancellationReason: z.string().nullable(),
  /** The order stream's version: send it as `If-Match` with an order command. */
  version: z.number().int(),
  placedAt: z.string(),
  updatedAt: z.string(),
});
export type OrderSummary = z.infer<typeof orderSummaryDocument>;

const prefixes = [`${order.streamPrefix}-`, `${payment.streamPrefix}-`];
/** An order and its payment share an id: `order-o-1` and `payment-o-1` both feed document `o-1`. */
const orderIdOf = (streamId: string) => {
  const prefix = prefixes.find((candidate) => streamId.startsWith(candidate));
  return prefix === undefined ? streamId : streamId.slice(prefix.length);
};

/** One document per order: its lines, status and payment, for the order page. */
export const orderSummaries = defineProjection({
  name: 'orders',
  partitions: 4,
  sources: [order, payment],
  document: orderSummaryDocument,
  indexes: { customerId: 'string', status: 'string', total: 'number', placedAt: 'string' },
  // Keyed by order id rather than stream id, so an order's and its payment's events apply in order.
  partitionKey: (event) => orderIdOf(event.streamId),
  documentId: (event) => orderIdOf(event.streamId),
  evolve: (doc: OrderSummary | null, event): OrderSummary | null => {
    const at = { updatedAt: event.timestamp };
    const touched = { ...at, version: event.streamVersion };
    switch (event.type) {
      case 'OrderPlaced': {
        const { customerId, lines, total, currency, cardNumber } = event.data;
        return {
          orderId: orderIdOf(event.streamId),
          customerId,
          status: 'placed',
          lines,
          total,
          currency,
          payment: 'none',
          cardLast4: cardNumber.slice(-4),
          cancellationReason: null,
          placedAt: event.timestamp,
          ...touched,
        };
      }
      case 'OrderAccepted':
        return doc && { ...doc, status: 'accepted', ...touched };
      case 'OrderConfirmed':
        return doc && { ...doc, status: 'confirmed', ...touched };
      case 'OrderShipped':
        return doc && { ...doc, status: 'shipped', ...touched };
      case 'OrderCancelled':
        return doc && { ...doc, status: 'cancelled', cancellationReason: event.data.reason, ...touched };
      case 'AuthenticationRequired':
        return doc && { ...doc, payment: 'authentication-required', ...at };
      case 'PaymentAuthorised':
        return doc && { ...doc, payment: 'authorised', ...at };
      case 'PaymentVoided':
        return doc && { ...doc, payment: 'voided', ...at };
      case 'PaymentCaptured':
        return doc && { ...doc, payment: 'captured', ...at };
    }
  },
});
