import type Database from 'better-sqlite3';
import type { EventRow } from './event-row.js';

const columns =
  'position, stream_id, stream_version, event_id, type, schema_version, timestamp, data, metadata, command_id';
const rowPlaceholders = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per INSERT: one statement per chunk size up to this, each prepared on first use. */
const maxRowsPerStatement = 64;

/** Inserts event rows (with their command ids) inside the caller's transaction. */
export type RowInserter = (rows: readonly EventRow[], commandIds: readonly (string | null)[]) => void;

/**
 * Multi-row INSERTs: a 100-event batch costs two statement runs instead of a hundred, about a
 * third less time per event. A failing statement leaves none of its rows behind.
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

  return (rows, commandIds) => {
    for (let start = 0; start < rows.length; start += maxRowsPerStatement) {
      const end = Math.min(rows.length, start + maxRowsPerStatement);
      const parameters: unknown[] = [];
      for (let index = start; index < end; index += 1) {
        parameters.push(...(rows[index] as EventRow), commandIds[index]);
      }
      statementFor(end - start).run(parameters);
    }
  };
}
