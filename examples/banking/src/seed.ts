import type { BankingApp } from './banking-app.js';

/**
 * A short demo scenario, written once so the first `npm start` has data to show: only when alice's
 * account does not exist yet (an EventStoreDB is never empty, it holds its own system events).
 */
export async function seedDemo(app: BankingApp): Promise<boolean> {
  const { accounts } = app;
  if ((await accounts.load('alice')).streamVersion > 0) return false;
  await accounts.handle('alice', {
    type: 'OpenAccount',
    data: { owner: 'Alice Martin', currency: 'EUR', overdraftLimit: 50_00 },
  });
  await accounts.handle('bob', { type: 'OpenAccount', data: { owner: 'Bob Chen', currency: 'EUR' } });
  await accounts.handle('carol', { type: 'OpenAccount', data: { owner: 'Carol Diaz', currency: 'USD' } });
  await accounts.handle('alice', { type: 'Deposit', data: { amount: 1_250_00, currency: 'EUR' } });
  await accounts.handle('bob', { type: 'Deposit', data: { amount: 300_00, currency: 'EUR' } });
  await accounts.handle('carol', { type: 'Deposit', data: { amount: 42_00, currency: 'USD' } });
  await accounts.handle('alice', { type: 'Withdraw', data: { amount: 75_50, currency: 'EUR' } });
  return true;
}
