import { DomainError, defineAggregate } from '@ordo/core';
import { z } from 'zod';
import { quantity, sku, uniqueSkus } from './sku.js';

export type InventoryErrorCode = 'UNKNOWN_SKU' | 'OUT_OF_STOCK' | 'RESERVATION_EXISTS' | 'RESERVATION_NOT_FOUND';

const orderId = z.string().min(1).max(100);
const reservationLine = z.object({ sku, quantity });
// Events carry each SKU's levels after the change, so projections copy them instead of recomputing.
const levels = { onHand: z.number().int().nonnegative(), reserved: z.number().int().nonnegative() };
const changedLine = reservationLine.extend(levels);
const reservationChange = z.object({ orderId: z.string(), lines: z.array(changedLine) });

type Level = { onHand: number; reserved: number };
type Line = z.infer<typeof reservationLine>;

const reject = (code: InventoryErrorCode, message: string, details?: Record<string, unknown>) =>
  new DomainError<InventoryErrorCode>(code, message, details);

/**
 * The stock of one warehouse, per SKU: units on hand and units reserved for orders. A reservation
 * holds all of an order's lines at once; it is released (order cancelled) or committed (shipped).
 */
export const inventory = defineAggregate({
  name: 'Inventory',
  stateVersion: 1,
  commands: {
    AddStock: z.object({ sku, quantity }),
    ReserveStock: z.object({
      orderId,
      lines: z.array(reservationLine).min(1).max(50).refine(uniqueSkus, 'list each SKU once'),
    }),
    ReleaseReservation: z.object({ orderId }),
    CommitReservation: z.object({ orderId }),
  },
  events: {
    StockAdded: z.object({ sku: z.string(), quantity, ...levels }),
    StockReserved: reservationChange,
    ReservationReleased: reservationChange,
    ReservationCommitted: reservationChange,
  },
  // Plain objects rather than Maps: the state is written to snapshots as JSON.
  initialState: () => ({
    skus: {} as Record<string, Level>,
    reservations: {} as Record<string, readonly Line[]>,
  }),
  evolve: (state, event) => {
    if (event.type === 'StockAdded') {
      const { sku: added, onHand, reserved } = event.data;
      return { ...state, skus: { ...state.skus, [added]: { onHand, reserved } } };
    }
    const skus = { ...state.skus };
    for (const line of event.data.lines) skus[line.sku] = { onHand: line.onHand, reserved: line.reserved };
    const { [event.data.orderId]: _settled, ...open } = state.reservations;
    const reservations =
      event.type === 'StockReserved'
        ? {
            ...open,
            [event.data.orderId]: event.data.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
          }
        : open;
    return { skus, reservations };
  },
  decide: (command, state) => {
    const levelOf = (name: string): Level => state.skus[name] ?? { onHand: 0, reserved: 0 };
    switch (command.type) {
      case 'AddStock': {
        const level = levelOf(command.data.sku);
        return {
          type: 'StockAdded',
          data: { ...command.data, ...level, onHand: level.onHand + command.data.quantity },
        };
      }
      case 'ReserveStock': {
        const { orderId: id, lines } = command.data;
        if (state.reservations[id] !== undefined) {
          throw reject('RESERVATION_EXISTS', `Stock is already reserved for order ${id}`);
        }
        const unknown = lines.find((line) => state.skus[line.sku] === undefined);
        if (unknown !== undefined) throw reject('UNKNOWN_SKU', `No stock was ever added for ${unknown.sku}`);
        const shortages = lines
          .map((line) => ({ ...line, available: levelOf(line.sku).onHand - levelOf(line.sku).reserved }))
          .filter((line) => line.quantity > line.available)
          .map((line) => ({ sku: line.sku, requested: line.quantity, available: line.available }));
        if (shortages.length > 0) {
          throw reject('OUT_OF_STOCK', `Not enough stock for ${shortages.map((s) => s.sku).join(', ')}`, { shortages });
        }
        const changed = lines.map((line) => {
          const level = levelOf(line.sku);
          return { ...line, onHand: level.onHand, reserved: level.reserved + line.quantity };
        });
        return { type: 'StockReserved', data: { orderId: id, lines: changed } };
      }
      case 'ReleaseReservation':
      case 'CommitReservation': {
        const { orderId: id } = command.data;
        const reserved = state.reservations[id];
        if (reserved === undefined) throw reject('RESERVATION_NOT_FOUND', `No open reservation for order ${id}`);
        const shipped = command.type === 'CommitReservation';
        const changed = reserved.map((line) => {
          const level = levelOf(line.sku);
          return {
            ...line,
            onHand: shipped ? level.onHand - line.quantity : level.onHand,
            reserved: level.reserved - line.quantity,
          };
        });
        return {
          type: shipped ? 'ReservationCommitted' : 'ReservationReleased',
          data: { orderId: id, lines: changed },
        };
      }
    }
  },
});
