import type { OrdersApp } from './orders-app.js';
import { warehouseId } from './processes/fulfilment-process.js';

/**
 * A short demo, written once so the first `npm run start:orders` has data to show: only when the
 * warehouse does not exist yet (an EventStoreDB is never empty, it holds its own system events).
 */
export async function seedDemo(app: OrdersApp): Promise<boolean> {
  if ((await app.stock.load(warehouseId)).streamVersion > 0) return false;
  const stock: [string, number][] = [
    ['MUG-BLUE', 25],
    ['TEE-M', 10],
    ['POSTER-A2', 3],
    ['LAMP-DESK', 1],
  ];
  for (const [sku, quantity] of stock) {
    await app.stock.handle(warehouseId, { type: 'AddStock', data: { sku, quantity } });
  }
  // Both orders are fulfilled once the runner starts: the first ships, the second's card is declined.
  await app.orders.handle('demo-1', {
    type: 'PlaceOrder',
    data: {
      customerId: 'ada',
      currency: 'EUR',
      lines: [
        { sku: 'MUG-BLUE', quantity: 2, unitPrice: 12_50 },
        { sku: 'TEE-M', quantity: 1, unitPrice: 24_00 },
      ],
      cardNumber: '4242424242424242',
    },
  });
  await app.orders.handle('demo-2', {
    type: 'PlaceOrder',
    data: {
      customerId: 'ada',
      currency: 'EUR',
      lines: [{ sku: 'POSTER-A2', quantity: 1, unitPrice: 18_00 }],
      cardNumber: '4000000000000002',
    },
  });
  return true;
}
