import { aggregateSpec } from '@ordo/core/testing';
import { describe, expect, it } from 'vitest';
import { order } from './order.js';

const mug = { sku: 'MUG-BLUE', quantity: 2, unitPrice: 12_50 };
const lines = [mug, { sku: 'TEE-M', quantity: 1, unitPrice: 24_00 }];
const card = '4242424242424242';
const placed = {
  type: 'OrderPlaced',
  data: { customerId: 'ada', currency: 'EUR', lines, total: 49_00, cardNumber: card },
} as const;
const accepted = { type: 'OrderAccepted', data: {} } as const;
const confirmed = { type: 'OrderConfirmed', data: {} } as const;
const cancelled = { type: 'OrderCancelled', data: { reason: 'changed my mind' } } as const;

describe('Order', () => {
  const spec = aggregateSpec(order);

  it('is placed with its total computed from the lines', () => {
    spec
      .given([])
      .when({ type: 'PlaceOrder', data: { customerId: ' ada ', currency: 'EUR', lines, cardNumber: card } })
      .thenEvents([placed]);
  });

  it('refuses an id that was already used', () => {
    spec
      .given([placed])
      .when({ type: 'PlaceOrder', data: { customerId: 'bob', currency: 'EUR', lines, cardNumber: card } })
      .thenThrows('ORDER_EXISTS');
  });

  it('rejects empty orders, repeated SKUs and bad card numbers as invalid commands', () => {
    const place = (data: { lines?: (typeof mug)[]; cardNumber?: string }) =>
      spec
        .given([])
        .when({ type: 'PlaceOrder', data: { customerId: 'ada', currency: 'EUR', lines, cardNumber: card, ...data } });
    place({ lines: [] }).thenThrows('INVALID_COMMAND');
    place({ lines: [mug, mug] }).thenThrows('INVALID_COMMAND');
    place({ lines: [{ sku: 'MUG-BLUE', quantity: 0, unitPrice: 1 }] }).thenThrows('INVALID_COMMAND');
    place({ cardNumber: '4242-4242' }).thenThrows('INVALID_COMMAND');
  });

  it('moves through accepted, confirmed and shipped one step at a time', () => {
    spec.given([placed]).when({ type: 'AcceptOrder', data: {} }).thenEvents([accepted]);
    spec.given([placed, accepted]).when({ type: 'ConfirmOrder', data: {} }).thenEvents([confirmed]);
    const shipped = spec.given([placed, accepted, confirmed]).when({ type: 'ShipOrder', data: {} });
    shipped.thenEvents([{ type: 'OrderShipped', data: {} }]);
    expect(shipped.state().status).toBe('shipped');
  });

  it('treats a repeated step as done and refuses to skip one', () => {
    spec.given([placed, accepted]).when({ type: 'AcceptOrder', data: {} }).thenNothing();
    spec.given([placed]).when({ type: 'ShipOrder', data: {} }).thenThrows('ORDER_OUT_OF_SEQUENCE');
  });

  it('can be cancelled until it is confirmed, once', () => {
    spec
      .given([placed, accepted])
      .when({ type: 'CancelOrder', data: { reason: 'changed my mind' } })
      .thenEvents([cancelled]);
    spec
      .given([placed, cancelled])
      .when({ type: 'CancelOrder', data: { reason: 'again' } })
      .thenNothing();
    spec
      .given([placed, accepted, confirmed])
      .when({ type: 'CancelOrder', data: { reason: 'too late' } })
      .thenThrows('ORDER_NOT_CANCELLABLE');
  });

  it('refuses to go on once cancelled', () => {
    spec.given([placed, cancelled]).when({ type: 'AcceptOrder', data: {} }).thenThrows('ORDER_CANCELLED');
  });

  it('refuses commands on an order that was never placed', () => {
    spec.given([]).when({ type: 'AcceptOrder', data: {} }).thenThrows('ORDER_NOT_FOUND');
  });
});
