import type { EventMetadata, NewEvent, RecordedEvent } from '@ordo/core';

/** Columns every event read selects, in the order `toRecordedEvent` expects. */
export const eventColumns =
  'position, stream_id, stream_version, event_id, type, schema_version, timestamp, data, metadata';

export type EventRow = [
  position: number,
  streamId: string,
  streamVersion: number,
  id: string,
  type: string,
  schemaVersion: number,
  timestamp: string,
  data: string,
  metadata: string,
];

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row[3],
    type: row[4],
    schemaVersion: row[5],
    streamId: row[1],
    streamVersion: row[2],
    position: row[0],
    timestamp: row[6],
    data: JSON.parse(row[7]) as unknown,
    metadata: JSON.parse(row[8]) as EventMetadata,
  };
}

/** A batch as the append function takes it: one array per column, filled before the batch is queued. */
export interface EncodedBatch {
  readonly ids: string[];
  readonly types: string[];
  readonly schemaVersions: number[];
  readonly data: string[];
  readonly metadata: string[];
  readonly commandIds: (string | null)[];
}

/** Encodes a batch column by column; metadata shared across a batch (the usual case) is stringified once. */
export function encodeBatch(events: readonly NewEvent[], newId: () => string): EncodedBatch {
  const batch: EncodedBatch = { ids: [], types: [], schemaVersions: [], data: [], metadata: [], commandIds: [] };
  let sharedMetadata: EventMetadata | undefined;
  let sharedJson = '{}';
  for (const event of events) {
    if (event.metadata !== sharedMetadata) {
      sharedMetadata = event.metadata;
      sharedJson = event.metadata === undefined ? '{}' : JSON.stringify(event.metadata);
    }
    const commandId = event.metadata?.commandId;
    batch.ids.push(event.id ?? newId());
    batch.types.push(event.type);
    batch.schemaVersions.push(event.schemaVersion ?? 1);
    batch.data.push(JSON.stringify(event.data) ?? 'null');
    batch.metadata.push(sharedJson);
    batch.commandIds.push(typeof commandId === 'string' ? commandId : null);
  }
  return batch;
}
