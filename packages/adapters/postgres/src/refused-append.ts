import { type AppendResult, ConcurrencyError, DuplicateEventIdError, findEarlierAppend } from '@ordo/core';
import type { AppendRequest, Refusal, SettleRefusal } from './append-queue.js';
import type { PostgresEventReader } from './event-reader.js';

/**
 * What a refused append means, decided after the fact (stored events never change): a retry of an
 * append already stored (its stored result), a version conflict, or an event id taken elsewhere.
 */
export function refusedAppendSettler(reader: PostgresEventReader): SettleRefusal {
  return async (request: AppendRequest, refusal: Refusal): Promise<AppendResult> => {
    const { streamId, events, expectedVersion, batch } = request;
    const actual = refusal.kind === 'version' ? refusal.actual : await reader.streamHead(streamId);
    const writerIds = events.flatMap((event) => (event.id === undefined ? [] : [event.id]));
    const stored = await reader.locate(refusal.kind === 'version' ? writerIds : batch.ids);
    const earlier = findEarlierAppend(streamId, events, expectedVersion, actual, (id) => stored.get(id));
    if (earlier !== undefined) {
      const found = await reader.readVersions(streamId, earlier.fromVersion, earlier.toVersion);
      return { streamVersion: earlier.toVersion, position: found.at(-1)?.position ?? 0, events: found };
    }
    if (refusal.kind === 'version') throw new ConcurrencyError(streamId, expectedVersion, actual);
    throw new DuplicateEventIdError(firstTakenId(batch.ids, (id) => stored.has(id)));
  };
}

/** The first id of the batch that is stored already or repeated within the batch. */
function firstTakenId(ids: readonly string[], isStored: (id: string) => boolean): string {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id) || isStored(id)) return id;
    seen.add(id);
  }
  return ids[0] ?? '';
}
