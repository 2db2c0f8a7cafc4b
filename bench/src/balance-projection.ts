import { defineProjection } from '@ordo/projections';
import { account } from './bank-account.js';

/** One read-model document per account. */
export type Balance = { balance: number; count: number; lastVersion: number };

/** Issue 4's projection: the account's balance, how many events it saw and its last stream version. */
export const balances = defineProjection({
  name: 'balances',
  partitions: 4,
  sources: [account],
  documentId: (event) => event.streamId,
  evolve: (doc: Balance | null, event): Balance => ({
    balance: (doc?.balance ?? 0) + (event.type === 'MoneyDeposited' ? event.data.amount : -event.data.amount),
    count: (doc?.count ?? 0) + 1,
    lastVersion: event.streamVersion,
  }),
});

/** Emmett's read event, as far as its balance projections look at it. */
export interface PeerReadEvent {
  readonly type: string;
  readonly data: { readonly amount: number };
  readonly metadata: { readonly streamName: string; readonly streamPosition: bigint; readonly globalPosition: bigint };
}

/** The same document, folded the same way, for Emmett's projections. */
export function peerBalanceEvolve(doc: Balance | null, event: PeerReadEvent): Balance {
  return {
    balance: (doc?.balance ?? 0) + (event.type === 'MoneyDeposited' ? event.data.amount : -event.data.amount),
    count: (doc?.count ?? 0) + 1,
    lastVersion: Number(event.metadata.streamPosition),
  };
}
