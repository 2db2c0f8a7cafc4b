import type { EventMetadata, NewEvent, RecordedEvent } from '@ordo/core';

/** Columns every event read selects, in the order `toRecordedEvent` expects. */
export const eventColumns =
  'position, stream_id, stream_version, event_id, type, schema_version, timestamp, data, metadata';

/** The same columns for reads within one stream: the stream id is known, so SQLite need not copy it per row. */
export const streamEventColumns = eventColumns.replace('stream_id', 'NULL');

export type EventRow = [
  position: number,
  streamId: string | null,
  streamVersion: number,
  id: string,
  type: string,
  schemaVersion: number,
  timestamp: string,
  data: string,
  metadata: string,
];

/** A new event serialised before the write transaction, so a bad payload never holds the lock. */
export interface SerializedEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
  readonly commandId: string | null;
}

/** Serialises a batch; writers usually share one metadata object across it, so it is stringified once. */
export function serializeEvents(events: readonly NewEvent[], newId: () => string): SerializedEvent[] {
  let lastMetadata: EventMetadata | undefined;
  let lastJson = '{}';
  return events.map((event) => {
    if (event.metadata !== lastMetadata) {
      lastMetadata = event.metadata;
      lastJson = event.metadata === undefined ? '{}' : JSON.stringify(event.metadata);
    }
    const commandId = event.metadata?.commandId;
    return {
      id: event.id ?? newId(),
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      data: JSON.stringify(event.data) ?? 'null',
      metadata: lastJson,
      commandId: typeof commandId === 'string' ? commandId : null,
    };
  });
}

export function toRecordedEvent(row: EventRow, streamId: string = row[1] ?? ''): RecordedEvent {
  return {
    id: row[3],
    type: row[4],
    schemaVersion: row[5],
    streamId,
    streamVersion: row[2],
    position: row[0],
    timestamp: row[6],
    data: JSON.parse(row[7]) as unknown,
    metadata: JSON.parse(row[8]) as EventMetadata,
  };
}
