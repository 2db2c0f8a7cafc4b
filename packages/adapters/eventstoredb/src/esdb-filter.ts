import type { EventFilter } from '@ordo/core';
import type { EsdbFilter } from './esdb-client.js';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The part of an Ordo filter ESDB can apply on the server: stream prefixes when given (usually the
 * most selective), else an exact match on event types, else "no system events". Whatever is left
 * is applied again on the client with `matchesFilter`.
 */
export function toServerFilter(filter: EventFilter | undefined, checkpointEvery = 32): EsdbFilter {
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1)
    throw new RangeError(`Invalid checkpointEvery ${checkpointEvery}`);
  // The server reports a checkpoint every `multiplier x maxSearchWindow` events it considered.
  const cadence = { checkpointInterval: 1, maxSearchWindow: checkpointEvery };
  const prefixes = filter?.streamIdPrefixes;
  if (prefixes !== undefined && prefixes.length > 0) {
    return { filterOn: 'streamName', prefixes: [...prefixes], ...cadence };
  }
  const types = filter?.eventTypes;
  if (types !== undefined && types.length > 0) {
    return { filterOn: 'eventType', regex: `^(?:${types.map(escapeRegex).join('|')})$`, ...cadence };
  }
  return { filterOn: 'eventType', regex: '^[^$]', ...cadence };
}

/**
 * Whether the server sends this event through `filter`: a stream-name prefix, or the event-type
 * regular expression (ours are plain enough to mean the same in .NET and JavaScript).
 */
export function passesServerFilter(filter: EsdbFilter, event: { readonly streamId: string; readonly type: string }) {
  const subject = filter.filterOn === 'streamName' ? event.streamId : event.type;
  return 'prefixes' in filter
    ? filter.prefixes.some((prefix) => subject.startsWith(prefix))
    : new RegExp(filter.regex).test(subject);
}
