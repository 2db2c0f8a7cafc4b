import type { EventStore } from '@ordo/core';
import { account } from '../bank-account.js';

/** How a rebuild's store is filled: `accounts` streams of `eventsPerAccount` events each. */
export interface SeedShape {
  readonly accounts: number;
  readonly eventsPerAccount: number;
}

/** Events per append: streams grow in rounds, so the global order interleaves accounts as live traffic does. */
export const eventsPerAppend = 10;

/** The k-th event (0-based) of every account: mostly deposits, every fifth a withdrawal. */
export function seedEvent(k: number) {
  return k % 5 === 4
    ? ({ type: 'MoneyWithdrawn', data: { amount: (k % 7) + 1 } } as const)
    : ({ type: 'MoneyDeposited', data: { amount: (k % 100) + 1 } } as const);
}

/** The balance every account must end with, to check a rebuild's result rather than trust it. */
export function expectedBalance(eventsPerAccount: number): number {
  let balance = 0;
  for (let k = 0; k < eventsPerAccount; k += 1) {
    const event = seedEvent(k);
    balance += event.type === 'MoneyDeposited' ? event.data.amount : -event.data.amount;
  }
  return balance;
}

const round = (r: number, size: number) => Array.from({ length: size }, (_, i) => seedEvent(r * eventsPerAppend + i));

/** Appends the seed in rounds through any Ordo event store; concurrent appends let SQLite group its commits. */
export async function seedOrdo(
  store: EventStore,
  { accounts, eventsPerAccount }: SeedShape,
  streamPrefix = 'account-',
): Promise<void> {
  for (let r = 0; r * eventsPerAppend < eventsPerAccount; r += 1) {
    const events = round(r, Math.min(eventsPerAppend, eventsPerAccount - r * eventsPerAppend)).map(
      account.codec.encode,
    );
    await Promise.all(Array.from({ length: accounts }, (_, a) => store.appendToStream(`${streamPrefix}${a}`, events)));
  }
}

interface PeerStore {
  appendToStream(stream: string, events: unknown[]): Promise<unknown>;
}

/** Emmett's in-memory store: one append per account, since each of its appends counts every stream. */
export async function seedPeerInMemory(store: PeerStore, { accounts, eventsPerAccount }: SeedShape): Promise<void> {
  const events = round(0, eventsPerAccount);
  for (let a = 0; a < accounts; a += 1) await store.appendToStream(`account-${a}`, events);
}

/**
 * Emmett's SQLite store, in the same rounds as Ordo's; appends run one at a time (its pool fails
 * concurrent ones with SQLITE_BUSY), 500 to an outer transaction so seeding takes a minute, not ten.
 */
export async function seedPeerSqlite(
  store: PeerStore,
  inTransaction: (work: () => Promise<void>) => Promise<void>,
  { accounts, eventsPerAccount }: SeedShape,
): Promise<void> {
  for (let r = 0; r * eventsPerAppend < eventsPerAccount; r += 1) {
    const events = round(r, Math.min(eventsPerAppend, eventsPerAccount - r * eventsPerAppend));
    for (let from = 0; from < accounts; from += 500) {
      await inTransaction(async () => {
        for (let a = from; a < Math.min(accounts, from + 500); a += 1)
          await store.appendToStream(`account-${a}`, events);
      });
    }
  }
}
