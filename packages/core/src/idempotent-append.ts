import { ConcurrencyError, DuplicateEventIdError } from './errors.js';
import type { NewEvent } from './event.js';
import type { ExpectedVersion } from './expected-version.js';

/** Where an event id is already stored. */
export interface StoredEventLocation {
  readonly streamId: string;
  readonly streamVersion: number;
}

/**
 * Decides whether an append is a retry of one already stored (DESIGN.md: re-appending the same
 * ids at the same versions succeeds without writing twice). Returns the stream versions of the
 * earlier write, or `undefined` when the batch is new. Throws when the ids are stored elsewhere
 * or only partly, since writing them again would duplicate events.
 */
export function findEarlierAppend(
  streamId: string,
  events: readonly NewEvent[],
  expectedVersion: ExpectedVersion,
  actualVersion: number,
  locate: (eventId: string) => StoredEventLocation | undefined,
): { readonly fromVersion: number; readonly toVersion: number } | undefined {
  const first = events[0];
  if (first?.id === undefined) return undefined;
  const firstLocation = locate(first.id);
  if (firstLocation === undefined) return undefined;
  if (firstLocation.streamId !== streamId) throw new DuplicateEventIdError(first.id);

  const fromVersion = firstLocation.streamVersion;
  const expectedFrom =
    typeof expectedVersion === 'number' ? expectedVersion + 1 : expectedVersion === 'no_stream' ? 1 : fromVersion;
  if (fromVersion !== expectedFrom) throw new ConcurrencyError(streamId, expectedVersion, actualVersion);

  events.forEach((event, index) => {
    const location = event.id === undefined ? undefined : locate(event.id);
    if (location?.streamId !== streamId || location.streamVersion !== fromVersion + index) {
      throw new ConcurrencyError(streamId, expectedVersion, actualVersion);
    }
  });
  return { fromVersion, toVersion: fromVersion + events.length - 1 };
}
