import type { Collection, Document, IndexDescription } from 'mongodb';

/**
 * One `createIndexes` command per index: FerretDB 1.24 drops the connection (a server panic) when one
 * command names several indexes that already exist, and one index per command costs nothing elsewhere.
 */
export async function createIndexesOneByOne<Schema extends Document>(
  collection: Collection<Schema>,
  indexes: readonly IndexDescription[],
): Promise<void> {
  for (const index of indexes) await collection.createIndexes([index]);
}

/**
 * Creates a collection's indexes on first use and remembers success only: a failed attempt (server
 * down, timeout) is retried by the next call instead of failing every later call. `createIndexes`
 * with the same keys and names is a no-op on the server, so concurrent processes may all call it.
 *
 * @example
 * const ensureIndexes = ensureIndexesOnce(collection, [{ key: { dueAt: 1, _id: 1 }, name: 'ordo_due' }]);
 * await ensureIndexes();
 */
export function ensureIndexesOnce<Schema extends Document>(
  collection: Collection<Schema>,
  indexes: readonly IndexDescription[],
): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= createIndexesOneByOne(collection, indexes).then(
      () => undefined,
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}
