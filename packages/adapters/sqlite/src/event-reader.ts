import type { EventFilter, ReadStreamOptions, RecordedEvent, SubscriptionPage } from '@ordo/core';
import type Database from 'better-sqlite3';
import { type EventRow, eventColumns, streamEventColumns, toRecordedEvent } from './event-row.js';

const unbounded = Number.MAX_SAFE_INTEGER;

export interface SqliteEventReader {
  headPosition(): number;
  /** Events in `(after, min(to, head)]` matching `filter`, at most `batchSize`, fetched by keyset. */
  readPage(after: number, to: number, batchSize: number, filter: EventFilter | undefined): SubscriptionPage;
  /** Pages of raw rows (stream id left out), so the caller converts one event at a time. */
  readStreamPages(streamId: string, options: ReadStreamOptions, pageSize: number): Generator<EventRow[]>;
  findCommand(streamId: string, commandId: string): RecordedEvent[];
}

/** Prepared, keyset-paginated reads: memory stays bounded by one page whatever the store size. */
export function createEventReader(database: Database.Database): SqliteEventReader {
  const head = database.prepare('SELECT max(position) FROM ordo_events').pluck();
  // Stream versions are gap-free, so a page is a version range: no bound `LIMIT ?` (measured: an
  // empty read took 11 µs with it, 3 µs without).
  const forward = database
    .prepare(
      `SELECT ${streamEventColumns} FROM ordo_events WHERE stream_id = ? AND stream_version BETWEEN ? AND ?
       ORDER BY stream_version`,
    )
    .raw();
  const backward = database
    .prepare(
      `SELECT ${streamEventColumns} FROM ordo_events WHERE stream_id = ? AND stream_version BETWEEN ? AND ?
       ORDER BY stream_version DESC`,
    )
    .raw();
  const streamHead = database.prepare('SELECT max(stream_version) FROM ordo_events WHERE stream_id = ?').pluck();
  const byCommand = database
    .prepare(
      `SELECT ${streamEventColumns} FROM ordo_events INDEXED BY ordo_events_command_id
       WHERE stream_id = ? AND command_id = ? ORDER BY stream_version`,
    )
    .raw();
  const pageStatements = new Map<string, Database.Statement>();

  // Filters are pushed down to SQL; one statement per filter shape (how many types, how many prefixes).
  function pageStatement(filter: EventFilter | undefined): Database.Statement {
    const types = filter?.eventTypes;
    const prefixes = filter?.streamIdPrefixes;
    const key = `${types?.length ?? -1}/${prefixes?.length ?? -1}`;
    let statement = pageStatements.get(key);
    if (statement === undefined) {
      let where = 'position > ? AND position <= ?';
      if (types !== undefined) where += types.length === 0 ? ' AND 0' : ` AND type IN (${types.map(() => '?')})`;
      if (prefixes !== undefined) {
        where +=
          prefixes.length === 0 ? ' AND 0' : ` AND (${prefixes.map(() => 'instr(stream_id, ?) = 1').join(' OR ')})`;
      }
      statement = database.prepare(`SELECT ${eventColumns} FROM ordo_events WHERE ${where} ORDER BY position LIMIT ?`);
      statement.raw();
      pageStatements.set(key, statement);
    }
    return statement;
  }

  return {
    headPosition: () => (head.get() as number | null) ?? 0,

    readPage(after, to, batchSize, filter) {
      const filtered = filter?.eventTypes !== undefined || filter?.streamIdPrefixes !== undefined;
      // A filtered page may scan many rows to find a few matches; positions are gap-free, so a window is a row count.
      const window = filtered ? Math.max(batchSize, 8192) : batchSize;
      const upper = Math.min(to, (head.get() as number | null) ?? 0, after + window);
      if (upper <= after) return { events: [], scannedTo: after };
      const params = [after, upper, ...(filter?.eventTypes ?? []), ...(filter?.streamIdPrefixes ?? []), batchSize];
      const rows = pageStatement(filter).all(...params) as EventRow[];
      const last = rows.at(-1);
      const scannedTo = rows.length === batchSize && last !== undefined ? last[0] : upper;
      return { events: rows.map((row) => toRecordedEvent(row)), scannedTo };
    },

    *readStreamPages(streamId, options, pageSize) {
      const descending = options.direction === 'backward';
      let remaining = options.maxCount ?? unbounded;
      // A backward page counts down from the stream's head, not from "unbounded".
      const head = descending ? ((streamHead.get(streamId) as number | null) ?? 0) : unbounded;
      let from = descending ? Math.min(options.from ?? unbounded, head) : Math.max(options.from ?? 1, 1);
      const to = descending ? Math.max(options.to ?? 1, 1) : (options.to ?? unbounded);
      const statement = descending ? backward : forward;
      while (remaining > 0) {
        const limit = Math.min(pageSize, remaining);
        const rows = (
          descending
            ? statement.all(streamId, Math.max(to, from - limit + 1), from)
            : statement.all(streamId, from, Math.min(to, from + limit - 1))
        ) as EventRow[];
        if (rows.length > 0) yield rows;
        if (rows.length < limit) return;
        remaining -= rows.length;
        from = descending ? from - limit : from + limit;
      }
    },

    findCommand: (streamId, commandId) =>
      (byCommand.all(streamId, commandId) as EventRow[]).map((row) => toRecordedEvent(row, streamId)),
  };
}
