import {
  type AppendResult,
  assertExpectedVersion,
  DuplicateEventIdError,
  type ExpectedVersion,
  findEarlierAppend,
  type NewEvent,
  type RecordedEvent,
} from '@ordo/core';
import Database from 'better-sqlite3';
import { type EventRow, eventColumns, type SerializedEvent, toRecordedEvent } from './event-row.js';
import { createRowInserter, type EventRows } from './row-inserter.js';

export interface AppendRequest {
  readonly streamId: string;
  /** The writer's events, for the idempotent-retry check on their ids. */
  readonly events: readonly NewEvent[];
  readonly serialized: readonly SerializedEvent[];
  readonly expectedVersion: ExpectedVersion;
}

/** Appends one batch inside the caller's write transaction; a typed error leaves nothing written. */
export type AppendBatch = (request: AppendRequest) => AppendResult;

/** Prepares the append statements once per store. */
export function createAppendBatch(database: Database.Database): AppendBatch {
  const streamHead = database
    .prepare(
      'SELECT stream_version, position FROM ordo_events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1',
    )
    .raw();
  const globalHead = database.prepare('SELECT max(position) FROM ordo_events').pluck();
  const locate = database.prepare('SELECT stream_id, stream_version FROM ordo_events WHERE event_id = ?').raw();
  const readVersions = database
    .prepare(
      `SELECT ${eventColumns} FROM ordo_events WHERE stream_id = ? AND stream_version BETWEEN ? AND ? ORDER BY stream_version`,
    )
    .raw();
  const insertRows = createRowInserter(database);

  return ({ streamId, events, serialized, expectedVersion }) => {
    const head = streamHead.get(streamId) as [number, number] | undefined;
    const actual = head?.[0] ?? 0;
    const findEarlier = () =>
      findEarlierAppend(streamId, events, expectedVersion, actual, (eventId) => {
        const found = locate.get(eventId) as [string, number] | undefined;
        return found === undefined ? undefined : { streamId: found[0], streamVersion: found[1] };
      });
    // An append at exactly the head cannot repeat an earlier one (that would have moved the head), so
    // the id lookup waits for a unique-index violation: one index probe less on every command.
    const atHead = expectedVersion === actual || (expectedVersion === 'no_stream' && actual === 0);
    const earlier = atHead ? undefined : findEarlier();
    if (earlier !== undefined) {
      const stored = (readVersions.all(streamId, earlier.fromVersion, earlier.toVersion) as EventRow[]).map((row) =>
        toRecordedEvent(row),
      );
      return {
        streamVersion: earlier.toVersion,
        position: stored.at(-1)?.position ?? 0,
        events: stored,
        replayed: true,
      };
    }
    assertExpectedVersion(streamId, expectedVersion, actual);
    if (serialized.length === 0) return { streamVersion: actual, position: head?.[1] ?? 0, events: [] };

    // Positions are taken under the write lock, so they are gap-free and in commit order.
    const first = ((globalHead.get() as number | null) ?? 0) + 1;
    const rows: EventRows = {
      streamId,
      firstPosition: first,
      firstVersion: actual + 1,
      timestamp: new Date().toISOString(),
      events: serialized,
    };
    try {
      insertRows(rows);
    } catch (error) {
      if (error instanceof Database.SqliteError && /ordo_events\.event_id/.test(error.message)) {
        if (atHead) findEarlier(); // throws ConcurrencyError when the ids sit in this stream already
        throw new DuplicateEventIdError(duplicateId(serialized, (id) => locate.get(id) !== undefined));
      }
      throw error;
    }
    return appendResult(rows);
  };
}

/**
 * The appended events, parsed from the stored JSON (so they equal what a reader gets later) on
 * first access: a writer that needs only the new version skips two JSON.parse calls per event.
 */
function appendResult(rows: EventRows): AppendResult {
  const { streamId, firstPosition, firstVersion, timestamp } = rows;
  let events: RecordedEvent[] | undefined;
  return {
    streamVersion: firstVersion + rows.events.length - 1,
    position: firstPosition + rows.events.length - 1,
    get events() {
      events ??= rows.events.map((event, index) =>
        toRecordedEvent([
          firstPosition + index,
          streamId,
          firstVersion + index,
          event.id,
          event.type,
          event.schemaVersion,
          timestamp,
          event.data,
          event.metadata,
        ]),
      );
      return events;
    },
  };
}

/** The first id of the batch that is stored already or repeated within the batch. */
function duplicateId(events: readonly SerializedEvent[], isStored: (id: string) => boolean): string {
  const seen = new Set<string>();
  for (const { id } of events) {
    if (seen.has(id) || isStored(id)) return id;
    seen.add(id);
  }
  return events[0]?.id ?? '';
}
