import type { BackoffOptions } from '@ordo/core';

/**
 * What a partition does with an event whose handler still fails after the retries:
 * `'park-key'` parks it and holds later events of its partition key behind it (per-key order is
 * kept, other keys flow); `'skip'` parks it and goes on with its key; `'halt'` stops the partition.
 */
export type FailurePolicy = 'park-key' | 'skip' | 'halt';

export interface RetryOptions extends BackoffOptions {
  /** Handler attempts per event before the failure policy applies (including the first). */
  readonly maxAttempts: number;
}

export const defaultRetryOptions: RetryOptions = { maxAttempts: 5, initialDelayMs: 20, maxDelayMs: 2_000 };
