import type { RecordedEvent } from './event.js';

/** A declarative filter, so stores that filter server-side (SQL, EventStoreDB) can push it down. */
export interface EventFilter {
  readonly eventTypes?: readonly string[];
  readonly streamIdPrefixes?: readonly string[];
}

export function matchesFilter(
  event: Pick<RecordedEvent, 'type' | 'streamId'>,
  filter: EventFilter | undefined,
): boolean {
  if (filter === undefined) return true;
  if (filter.eventTypes !== undefined && !filter.eventTypes.includes(event.type)) return false;
  if (filter.streamIdPrefixes !== undefined && !filter.streamIdPrefixes.some((p) => event.streamId.startsWith(p))) {
    return false;
  }
  return true;
}
