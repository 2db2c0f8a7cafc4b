import type { ExpectedVersion } from '@ordo/core';
import type { EsdbExpectedRevision } from './esdb-client.js';

/** Ordo versions are 1-based and ESDB revisions 0-based: version v is revision v - 1, version 0 is no stream. */
export function toExpectedRevision(expected: ExpectedVersion): EsdbExpectedRevision {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected;
  if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`Invalid expected version ${expected}`);
  return expected === 0 ? 'no_stream' : BigInt(expected - 1);
}

/** The Ordo stream version for a revision the server reports (`'no_stream'` or a 0-based revision). */
export function versionOfRevision(revision: bigint | 'no_stream' | string | undefined): number | undefined {
  if (revision === 'no_stream') return 0;
  if (typeof revision !== 'bigint') return undefined;
  if (revision < 0n) return 0;
  return Number(revision) + 1;
}

/** The 0-based revision holding Ordo version `version`. */
export function revisionOfVersion(version: number): bigint {
  return BigInt(Math.max(version, 1) - 1);
}
