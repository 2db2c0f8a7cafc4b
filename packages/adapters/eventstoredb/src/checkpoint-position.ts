import type { EsdbClient, EsdbFilter, EsdbPosition } from './esdb-client.js';
import { passesServerFilter } from './esdb-filter.js';
import { toOrdoPosition } from './esdb-position.js';
import { readOneFromAll } from './streaming-read.js';

const noPosition = 2n ** 64n - 1n;

/**
 * Turns a server checkpoint into the Ordo position a consumer may resume after, or `undefined`
 * when it covers nothing new. A checkpoint `(c, _)` vouches for every record before `c`, and for the
 * record at `c` only if the filter drops it: ESDB 22.10.0–22.10.3 and 23.6 send `(c, c)` for the
 * first live event before that event itself. So the answer is `c` when the event at `c` is one the
 * filter drops, else the last event before `c`; never a position not yet delivered. The "no
 * position" checkpoint (2^64 - 1, sent by 24.2.0–24.10.4) says nothing and is ignored.
 */
export function createCheckpointResolver(client: EsdbClient, filter: EsdbFilter) {
  return async function resolve(at: EsdbPosition, cursor: number): Promise<number | undefined> {
    if (at.commit === noPosition) return undefined;
    const commit = toOrdoPosition({ commit: at.commit, prepare: at.commit });
    if (commit <= cursor) return undefined;
    // A forward read from (c, c) starts at the record at c, if one starts there.
    const next = await readOneFromAll(client, { commit: at.commit, prepare: at.commit }, 'forwards');
    if (next?.position?.commit === at.commit && !passesServerFilter(filter, next)) return commit;
    // A backward read from (c, c) includes the record ending at c (KurrentDB AllReader.cs: (end, end) <= start).
    const before = await readOneFromAll(client, { commit: at.commit, prepare: at.commit }, 'backwards');
    return before?.position === undefined ? undefined : toOrdoPosition(before.position);
  };
}
