import type Database from 'better-sqlite3';
import type { SerializedEvent } from './event-row.js';

const columns =
  'position, stream_id, stream_version, event_id, type, schema_version, timestamp, data, metadata, command_id';
const columnCount = 10;
const rowPlaceholders = `(${Array.from({ length: columnCount }, () => '?').join(', ')})`;
/** Rows per INSERT: one statement per chunk size up to this, each prepared on first use. */
const maxRowsPerStatement = 64;

/** A batch of one stream's events at consecutive positions and versions. */
export interface EventRows {
  readonly streamId: string;
  readonly firstPosition: number;
  readonly firstVersion: number;
  readonly timestamp: string;
  readonly events: readonly SerializedEvent[];
}

/** Inserts a batch inside the caller's transaction. */
export type RowInserter = (rows: EventRows) => void;

/**
 * Multi-row INSERTs with parameters laid out flat: a 100-event batch costs two statement runs
 * instead of a hundred, about a third less time per event. A failing statement leaves none of its
 * rows behind.
 */
export function createRowInserter(database: Database.Database): RowInserter {
  const statements: Database.Statement[] = [];
  const statementFor = (rowCount: number): Database.Statement => {
    let statement = statements[rowCount];
    if (statement === undefined) {
      const values = Array.from({ length: rowCount }, () => rowPlaceholders).join(', ');
      statement = database.prepare(`INSERT INTO ordo_events (${columns}) VALUES ${values}`);
      statements[rowCount] = statement;
    }
    return statement;
  };

  return ({ streamId, firstPosition, firstVersion, timestamp, events }) => {
    for (let start = 0; start < events.length; start += maxRowsPerStatement) {
      const end = Math.min(events.length, start + maxRowsPerStatement);
      const parameters: unknown[] = new Array((end - start) * columnCount);
      let slot = 0;
      for (let index = start; index < end; index += 1) {
        const event = events[index] as SerializedEvent;
        parameters[slot++] = firstPosition + index;
        parameters[slot++] = streamId;
        parameters[slot++] = firstVersion + index;
        parameters[slot++] = event.id;
        parameters[slot++] = event.type;
        parameters[slot++] = event.schemaVersion;
        parameters[slot++] = timestamp;
        parameters[slot++] = event.data;
        parameters[slot++] = event.metadata;
        parameters[slot++] = event.commandId;
      }
      statementFor(end - start).run(parameters);
    }
  };
}
