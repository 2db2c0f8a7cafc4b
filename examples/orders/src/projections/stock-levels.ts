import { defineProjection, upsert } from '@ordo/projections';
import { z } from 'zod';
import { inventory } from '../domain/inventory.js';

export const stockLevelDocument = z.object({
  warehouseId: z.string(),
  sku: z.string(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  updatedAt: z.string(),
});
export type StockLevel = z.infer<typeof stockLevelDocument>;

type Change = { streamId: string; timestamp: string };

/** `main:MUG-BLUE`: one document per warehouse and SKU. */
function level(event: Change, line: { sku: string; onHand: number; reserved: number }) {
  const warehouseId = event.streamId.slice(inventory.streamPrefix.length + 1);
  return upsert<StockLevel>(`${warehouseId}:${line.sku}`, {
    warehouseId,
    sku: line.sku,
    onHand: line.onHand,
    reserved: line.reserved,
    available: line.onHand - line.reserved,
    updatedAt: event.timestamp,
  });
}

/** Stock per SKU: on hand, reserved for open orders, and available to order. */
export const stockLevels = defineProjection({
  name: 'stock',
  partitions: 2,
  sources: [inventory],
  document: stockLevelDocument,
  indexes: { warehouseId: 'string', sku: 'string', available: 'number' },
  handlers: {
    StockAdded: (event) => level(event, event.data),
    StockReserved: (event) => event.data.lines.map((line) => level(event, line)),
    ReservationReleased: (event) => event.data.lines.map((line) => level(event, line)),
    ReservationCommitted: (event) => event.data.lines.map((line) => level(event, line)),
  },
});
