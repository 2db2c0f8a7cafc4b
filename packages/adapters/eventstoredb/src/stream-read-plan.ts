import type { ReadStreamOptions } from '@ordo/core';
import { revisionOfVersion } from './expected-revision.js';

/** One ESDB stream read plus the version bounds the reader stops at. */
export interface StreamReadPlan {
  readonly fromRevision: 'start' | 'end' | bigint;
  readonly direction: 'forwards' | 'backwards';
  /** What the server is asked for. */
  readonly maxCount: number;
  /** How many events the reader yields at most. */
  readonly limit: number;
  /** Forward reads stop after this version. */
  readonly highest: number;
  /** Backward reads stop before this version. */
  readonly lowest: number;
  /** The first version a forward read expects back (a later one means the start of the stream is gone). */
  readonly first: number;
}

/**
 * Maps Ordo's 1-based, inclusive `readStream` range onto an ESDB read (0-based revisions).
 * `undefined` when the range is empty, so no request is sent.
 */
export function planStreamRead(options: ReadStreamOptions = {}): StreamReadPlan | undefined {
  const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
  if (maxCount <= 0) return undefined;
  if (options.direction === 'backward') {
    const lowest = Math.max(options.to ?? 1, 1);
    const from = options.from;
    if (from !== undefined && from < lowest) return undefined;
    // Ask for the whole range below `from`: if `from` lies beyond the stream's end, the server
    // counts the missing revisions too, so a count capped at `maxCount` could come back short.
    return {
      fromRevision: from === undefined ? 'end' : revisionOfVersion(from),
      direction: 'backwards',
      maxCount: from === undefined ? maxCount : from - lowest + 1,
      limit: maxCount,
      highest: Number.POSITIVE_INFINITY,
      lowest,
      first: from ?? Number.POSITIVE_INFINITY,
    };
  }
  const first = Math.max(options.from ?? 1, 1);
  const highest = options.to ?? Number.POSITIVE_INFINITY;
  if (highest < first) return undefined;
  return {
    fromRevision: revisionOfVersion(first),
    direction: 'forwards',
    maxCount: Math.min(maxCount, highest - first + 1),
    limit: maxCount,
    highest,
    lowest: 1,
    first,
  };
}
