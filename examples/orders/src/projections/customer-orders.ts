import { defineProjection, patch, upsert } from '@ordo/projections';
import { z } from 'zod';
import { order } from '../domain/order.js';

export const customerOrderDocument = z.object({
  orderId: z.string(),
  customerId: z.string(),
  status: z.enum(['placed', 'accepted', 'confirmed', 'shipped', 'cancelled']),
  total: z.number().int(),
  currency: z.string(),
  items: z.number().int(),
  placedAt: z.string(),
});
export type CustomerOrder = z.infer<typeof customerOrderDocument>;

const orderIdOf = (streamId: string) => streamId.slice(order.streamPrefix.length + 1);
const status = (streamId: string, value: CustomerOrder['status']) =>
  patch<CustomerOrder>(orderIdOf(streamId), { status: value });

/**
 * A customer's order list ("my orders"): one small row per order, indexed by customer and date
 * so `?filter[customerId]=…&sort=-placedAt` pages through it without loading order lines.
 */
export const customerOrders = defineProjection({
  name: 'customer_orders',
  partitions: 4,
  sources: [order],
  document: customerOrderDocument,
  indexes: { customerId: 'string', placedAt: 'string', status: 'string' },
  handlers: {
    OrderPlaced: (event) =>
      upsert(orderIdOf(event.streamId), {
        orderId: orderIdOf(event.streamId),
        customerId: event.data.customerId,
        status: 'placed',
        total: event.data.total,
        currency: event.data.currency,
        items: event.data.lines.reduce((sum, line) => sum + line.quantity, 0),
        placedAt: event.timestamp,
      }),
    OrderAccepted: (event) => status(event.streamId, 'accepted'),
    OrderConfirmed: (event) => status(event.streamId, 'confirmed'),
    OrderShipped: (event) => status(event.streamId, 'shipped'),
    OrderCancelled: (event) => status(event.streamId, 'cancelled'),
  },
});
