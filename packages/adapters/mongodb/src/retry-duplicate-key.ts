import { isDuplicateKey } from './mongo-errors.js';

/**
 * Runs an upsert keyed by `_id` again once if it fails with E11000: two processes inserting the
 * same new `_id` at once, the loser's insert meets the winner's document, and the second attempt
 * finds it and updates (or keeps) it. Never use it inside a transaction, which E11000 aborts.
 *
 * @example
 * await retryDuplicateKey(() => aliases.updateOne({ _id: alias }, { $set: { collection } }, { upsert: true }));
 */
export async function retryDuplicateKey(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    await write();
  }
}
