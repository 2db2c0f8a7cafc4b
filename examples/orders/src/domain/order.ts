import { DomainError, defineAggregate } from '@ordo/core';
import { z } from 'zod';
import { currency, minorUnits } from './money.js';
import { quantity, sku, uniqueSkus } from './sku.js';
import { cardNumber } from './test-cards.js';

export type OrderErrorCode =
  | 'ORDER_EXISTS'
  | 'ORDER_NOT_FOUND'
  | 'ORDER_CANCELLED'
  | 'ORDER_NOT_CANCELLABLE'
  | 'ORDER_OUT_OF_SEQUENCE';

const orderLine = z.object({ sku, quantity, unitPrice: minorUnits });
export type OrderLine = z.infer<typeof orderLine>;

// The steps an order goes through, in order; a step may only follow the one before it.
const sequence = ['placed', 'accepted', 'confirmed', 'shipped'] as const;
type Progress = (typeof sequence)[number];

const reject = (code: OrderErrorCode, message: string, details?: Record<string, unknown>) =>
  new DomainError<OrderErrorCode>(code, message, details);

/**
 * A customer's order. Placing it starts the fulfilment process, which accepts it, confirms it
 * once stock is reserved and payment authorised, and ships it; or cancels it when a step fails.
 */
export const order = defineAggregate({
  name: 'Order',
  commands: {
    PlaceOrder: z.object({
      customerId: z.string().trim().min(1).max(100),
      currency,
      lines: z.array(orderLine).min(1).max(50).refine(uniqueSkus, 'list each SKU once'),
      // A test card number of the simulated gateway; a real shop keeps a gateway token instead.
      cardNumber,
    }),
    AcceptOrder: z.object({}),
    ConfirmOrder: z.object({}),
    ShipOrder: z.object({}),
    CancelOrder: z.object({ reason: z.string().trim().min(1).max(200) }),
  },
  events: {
    OrderPlaced: z.object({
      customerId: z.string(),
      currency,
      lines: z.array(orderLine),
      total: minorUnits,
      cardNumber: z.string(),
    }),
    OrderAccepted: z.object({}),
    OrderConfirmed: z.object({}),
    OrderShipped: z.object({}),
    OrderCancelled: z.object({ reason: z.string() }),
  },
  initialState: () => ({ status: 'new' as 'new' | Progress | 'cancelled' }),
  evolve: (_state, event) => {
    switch (event.type) {
      case 'OrderPlaced':
        return { status: 'placed' as const };
      case 'OrderAccepted':
        return { status: 'accepted' as const };
      case 'OrderConfirmed':
        return { status: 'confirmed' as const };
      case 'OrderShipped':
        return { status: 'shipped' as const };
      case 'OrderCancelled':
        return { status: 'cancelled' as const };
    }
  },
  decide: (command, state) => {
    if (command.type === 'PlaceOrder') {
      if (state.status !== 'new') throw reject('ORDER_EXISTS', 'This order id was already used');
      const total = command.data.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
      return { type: 'OrderPlaced', data: { ...command.data, total } };
    }
    const { status } = state;
    if (status === 'new') throw reject('ORDER_NOT_FOUND', 'Place the order first');
    if (command.type === 'CancelOrder') {
      if (status === 'cancelled') return [];
      if (status === 'confirmed' || status === 'shipped') {
        throw reject('ORDER_NOT_CANCELLABLE', `A ${status} order can no longer be cancelled`, { status });
      }
      return { type: 'OrderCancelled', data: command.data };
    }
    if (status === 'cancelled') throw reject('ORDER_CANCELLED', 'The order was cancelled');
    const step = {
      AcceptOrder: { to: 'accepted', event: 'OrderAccepted' },
      ConfirmOrder: { to: 'confirmed', event: 'OrderConfirmed' },
      ShipOrder: { to: 'shipped', event: 'OrderShipped' },
    } as const satisfies Record<string, { to: Progress; event: string }>;
    const { to, event } = step[command.type];
    const gap = sequence.indexOf(to) - sequence.indexOf(status);
    // Repeating a step already taken is a no-op; skipping one is refused.
    if (gap <= 0) return [];
    if (gap > 1) throw reject('ORDER_OUT_OF_SEQUENCE', `A ${status} order cannot be ${to} yet`, { status });
    return { type: event, data: {} };
  },
});
