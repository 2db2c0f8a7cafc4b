import { ConcurrencyError, type ExpectedVersion, type RecordedEvent } from '@ordo/core';
import { EsdbStreamTruncatedError } from './errors.js';
import type { EsdbClient } from './esdb-client.js';
import { streamCut } from './stream-truncation.js';

/**
 * The error for an append the server refused on its version, with `actual` as reads see it (the
 * port's contract): the newest readable event's version. When nothing is readable yet the server
 * counts revisions, the stream is soft-deleted (reads and a retry at `'no_stream'` agree on 0:
 * IndexWriter.CheckCommit accepts NoStream on it) or lost every event to expiry, where no retry
 * can succeed: `EsdbStreamTruncatedError` instead of an endless `ConcurrencyError` loop.
 */
export async function conflictAsRead(
  client: EsdbClient,
  streamId: string,
  expected: ExpectedVersion,
  serverVersion: number,
  newest: RecordedEvent | undefined,
): Promise<Error> {
  if (newest !== undefined) return new ConcurrencyError(streamId, expected, newest.streamVersion);
  if (!(serverVersion > 0)) return new ConcurrencyError(streamId, expected, 0);
  const cut = await streamCut(client, streamId, undefined);
  if (cut === 'soft-deleted') return new ConcurrencyError(streamId, expected, 0);
  return new EsdbStreamTruncatedError(streamId, undefined, serverVersion);
}
