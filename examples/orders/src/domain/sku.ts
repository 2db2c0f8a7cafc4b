import { z } from 'zod';

/** A stock-keeping unit: upper-case letters, digits and dashes, e.g. `MUG-BLUE`. */
export const sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,39}$/, 'upper-case letters, digits and -, e.g. MUG-BLUE');
export const quantity = z.number().int().positive().max(1_000_000);

/** Lines naming each SKU at most once, so a reservation or an order has one quantity per SKU. */
export const uniqueSkus = <Line extends { sku: string }>(lines: readonly Line[]) =>
  new Set(lines.map((line) => line.sku)).size === lines.length;
