import { aggregateSpec } from '@ordo/core/testing';
import { describe, expect, it } from 'vitest';
import { inventory } from './inventory.js';

const added = (sku: string, quantity: number, onHand = quantity) =>
  ({ type: 'StockAdded', data: { sku, quantity, onHand, reserved: 0 } }) as const;
const reserved = {
  type: 'StockReserved' as const,
  data: {
    orderId: 'o-1',
    lines: [
      { sku: 'MUG', quantity: 3, onHand: 5, reserved: 3 },
      { sku: 'TEE', quantity: 1, onHand: 2, reserved: 1 },
    ],
  },
};
const stocked = [added('MUG', 5), added('TEE', 2)];

describe('Inventory', () => {
  const spec = aggregateSpec(inventory);

  it('adds stock on top of what is on hand', () => {
    spec
      .given([added('MUG', 5)])
      .when({ type: 'AddStock', data: { sku: 'MUG', quantity: 4 } })
      .thenEvents([added('MUG', 4, 9)]);
  });

  it('reserves all lines of an order at once', () => {
    const when = spec.given(stocked).when({
      type: 'ReserveStock',
      data: {
        orderId: 'o-1',
        lines: [
          { sku: 'MUG', quantity: 3 },
          { sku: 'TEE', quantity: 1 },
        ],
      },
    });
    when.thenEvents([reserved]);
    expect(when.state().skus).toEqual({ MUG: { onHand: 5, reserved: 3 }, TEE: { onHand: 2, reserved: 1 } });
  });

  it('rejects reserving beyond the available stock, counting earlier reservations', () => {
    spec
      .given([...stocked, reserved])
      .when({ type: 'ReserveStock', data: { orderId: 'o-2', lines: [{ sku: 'MUG', quantity: 3 }] } })
      .thenThrows('OUT_OF_STOCK');
    spec
      .given([...stocked, reserved])
      .when({ type: 'ReserveStock', data: { orderId: 'o-2', lines: [{ sku: 'MUG', quantity: 2 }] } })
      .thenEvents([
        {
          type: 'StockReserved',
          data: { orderId: 'o-2', lines: [{ sku: 'MUG', quantity: 2, onHand: 5, reserved: 5 }] },
        },
      ]);
  });

  it('rejects SKUs never stocked and a second reservation for one order', () => {
    spec
      .given(stocked)
      .when({ type: 'ReserveStock', data: { orderId: 'o-1', lines: [{ sku: 'LAMP', quantity: 1 }] } })
      .thenThrows('UNKNOWN_SKU');
    spec
      .given([...stocked, reserved])
      .when({ type: 'ReserveStock', data: { orderId: 'o-1', lines: [{ sku: 'MUG', quantity: 1 }] } })
      .thenThrows('RESERVATION_EXISTS');
  });

  it('releases a reservation back to available stock', () => {
    const when = spec.given([...stocked, reserved]).when({ type: 'ReleaseReservation', data: { orderId: 'o-1' } });
    when.thenEvents([
      {
        type: 'ReservationReleased',
        data: {
          orderId: 'o-1',
          lines: [
            { sku: 'MUG', quantity: 3, onHand: 5, reserved: 0 },
            { sku: 'TEE', quantity: 1, onHand: 2, reserved: 0 },
          ],
        },
      },
    ]);
    expect(when.state().reservations).toEqual({});
  });

  it('commits a reservation at shipping: the units leave the warehouse', () => {
    spec
      .given([...stocked, reserved])
      .when({ type: 'CommitReservation', data: { orderId: 'o-1' } })
      .thenEvents([
        {
          type: 'ReservationCommitted',
          data: {
            orderId: 'o-1',
            lines: [
              { sku: 'MUG', quantity: 3, onHand: 2, reserved: 0 },
              { sku: 'TEE', quantity: 1, onHand: 1, reserved: 0 },
            ],
          },
        },
      ]);
  });

  it('refuses to release or commit a reservation that is not open', () => {
    const committed = { type: 'ReservationCommitted' as const, data: reserved.data };
    spec
      .given([...stocked, reserved, committed])
      .when({ type: 'ReleaseReservation', data: { orderId: 'o-1' } })
      .thenThrows('RESERVATION_NOT_FOUND');
    spec
      .given(stocked)
      .when({ type: 'CommitReservation', data: { orderId: 'o-9' } })
      .thenThrows('RESERVATION_NOT_FOUND');
  });
});
