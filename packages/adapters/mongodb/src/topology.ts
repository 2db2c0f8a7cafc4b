import type { Db, Document } from 'mongodb';
import { isCommandNotFound } from './mongo-errors.js';

/** Wire version of MongoDB 4.2, the first with transactions through mongos (replica sets have them from 4.0). */
const shardedTransactionsWireVersion = 8;

/**
 * Whether a `hello` reply comes from a server that runs multi-document transactions: a replica set
 * member (`setName`) or a mongos router (`msg: 'isdbgrid'`) of MongoDB 4.2 or later. A standalone
 * server answers neither.
 *
 * @example
 * supportsTransactions(await db.admin().command({ hello: 1 }));
 */
export function supportsTransactions(hello: Document): boolean {
  if (typeof hello.setName === 'string') return true;
  return hello.msg === 'isdbgrid' && typeof hello.maxWireVersion === 'number'
    ? hello.maxWireVersion >= shardedTransactionsWireVersion
    : false;
}

/**
 * Asks the server with `hello`, falling back to `isMaster` only where `hello` is unknown (before
 * 4.4.2); a connection or auth failure surfaces instead of being read as "standalone".
 *
 * @example
 * const transactions = await detectTransactions(client.db('app'));
 */
export async function detectTransactions(db: Db): Promise<boolean> {
  const admin = db.admin();
  const reply = await admin.command({ hello: 1 }).catch((error: unknown) => {
    if (!isCommandNotFound(error)) throw error;
    return admin.command({ isMaster: 1 });
  });
  return supportsTransactions(reply);
}
