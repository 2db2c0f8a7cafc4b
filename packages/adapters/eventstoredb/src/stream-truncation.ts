import type { EsdbClient } from './esdb-client.js';

/** ESDB's `$tb` of a soft-deleted stream (long.MaxValue): everything is deleted until the next append. */
const softDeleted = 2n ** 63n - 1n;

/** What removed the first revisions of a stream, as far as its metadata tells. */
export type StreamCut = 'soft-deleted' | 'truncate-before' | 'expired';

/**
 * Why a stream's readable history starts at `firstRevision` (or holds nothing, `undefined`) while
 * the server counts revisions before it. `$tb` is an explicit deletion, which the server itself
 * writes when a soft-deleted stream is appended to again (KurrentDB StorageWriterService.cs,
 * SoftUndeleteStream); anything else is `$maxCount`/`$maxAge` expiry or a scavenge.
 */
export async function streamCut(
  client: EsdbClient,
  streamId: string,
  firstRevision: bigint | undefined,
): Promise<StreamCut> {
  const { metadata } = await client.getStreamMetadata(streamId);
  const truncateBefore = metadata?.truncateBefore === undefined ? undefined : BigInt(metadata.truncateBefore);
  if (truncateBefore === softDeleted) return 'soft-deleted';
  if (truncateBefore !== undefined && firstRevision === truncateBefore) return 'truncate-before';
  return 'expired';
}
