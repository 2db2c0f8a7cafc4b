import type { EventFilter, ReadStreamOptions, RecordedEvent, SubscriptionPage } from '@ordo/core';
import type { PostgresDatabase } from './database.js';
import { type EventRow, eventColumns, toRecordedEvent } from './event-row.js';

const unbounded = Number.MAX_SAFE_INTEGER;

export interface PostgresEventReader {
  headPosition(): Promise<number>;
  /** Events in `(after, min(to, head)]` matching `filter`, at most `batchSize`, with the head read in the same snapshot. */
  readPage(after: number, to: number, batchSize: number, filter: EventFilter | undefined): Promise<SubscriptionPage>;
  readStream(streamId: string, options: ReadStreamOptions, pageSize: number): AsyncGenerator<RecordedEvent>;
  streamHead(streamId: string): Promise<number>;
  /** Stored events of a stream in a version range. */
  readVersions(streamId: string, from: number, to: number): Promise<RecordedEvent[]>;
  /** Where each of these event ids is stored, if anywhere. */
  locate(eventIds: readonly string[]): Promise<Map<string, { streamId: string; streamVersion: number }>>;
  findCommand(streamId: string, commandId: string): Promise<RecordedEvent[]>;
}

/** Keyset-paginated reads over prepared statements: memory stays bounded by one page whatever the store size. */
export function createEventReader(database: PostgresDatabase): PostgresEventReader {
  const events = database.table('events');
  const head = `SELECT coalesce(max(position), 0) FROM ${events}`;
  // Stream versions are gap-free, so a page is a version range.
  const forward = `SELECT ${eventColumns} FROM ${events} WHERE stream_id = $1 AND stream_version BETWEEN $2 AND $3 ORDER BY stream_version`;
  const backward = `${forward} DESC`;
  const streamHead = `SELECT coalesce(max(stream_version), 0) FROM ${events} WHERE stream_id = $1`;
  const locate = `SELECT event_id, stream_id, stream_version FROM ${events} WHERE event_id = ANY($1::text[])`;
  const byCommand = `SELECT ${eventColumns} FROM ${events} WHERE command_id = $2 AND stream_id = $1 ORDER BY stream_version`;
  const pageSql = (filtered: boolean) =>
    `SELECT h.head, e.* FROM (SELECT coalesce(max(position), 0) AS head FROM ${events}) h
     LEFT JOIN LATERAL (
       SELECT ${eventColumns} FROM ${events}
       WHERE position > $1 AND position <= least($2, h.head)
         ${filtered ? 'AND ($4::text[] IS NULL OR type = ANY($4)) AND ($5::text[] IS NULL OR stream_id ^@ ANY($5))' : ''}
       ORDER BY position LIMIT $3
     ) e ON true`;
  const unfilteredPage = pageSql(false);
  const filteredPage = pageSql(true);
  const rowsToEvents = (rows: EventRow[]) => rows.map(toRecordedEvent);

  return {
    async headPosition() {
      const [row] = await database.rows<[number]>(head);
      return row?.[0] ?? 0;
    },

    async readPage(after, to, batchSize, filter) {
      const types = filter?.eventTypes;
      const prefixes = filter?.streamIdPrefixes;
      const filtered = types !== undefined || prefixes !== undefined;
      // A filtered page may scan many rows to find a few matches; positions are gap-free, so a window is a row count.
      const window = filtered ? Math.max(batchSize, 8192) : batchSize;
      const upper = Math.min(to, after + window);
      if (upper <= after || types?.length === 0 || prefixes?.length === 0) {
        const reachable = Math.min(upper, await this.headPosition());
        return { events: [], scannedTo: Math.max(after, reachable) };
      }
      const sql = filtered ? filteredPage : unfilteredPage;
      const values: unknown[] = [after, upper, batchSize];
      if (filtered) values.push(types ?? null, prefixes ?? null);
      const rows = await database.rows<
        [number, ...(EventRow | [null, null, null, null, null, null, null, null, null])]
      >(sql, values);
      const headPosition = rows[0]?.[0] ?? 0;
      const found: RecordedEvent[] = [];
      for (const row of rows) if (row[1] !== null) found.push(toRecordedEvent(row.slice(1) as EventRow));
      const last = found.at(-1);
      const scannedTo =
        found.length === batchSize && last !== undefined ? last.position : Math.min(upper, headPosition);
      return { events: found, scannedTo: Math.max(after, scannedTo) };
    },

    async *readStream(streamId, options, pageSize) {
      const descending = options.direction === 'backward';
      let remaining = options.maxCount ?? unbounded;
      // A backward read counts down from the stream's head, not from "unbounded".
      const top = descending ? await this.streamHead(streamId) : unbounded;
      let from = descending ? Math.min(options.from ?? unbounded, top) : Math.max(options.from ?? 1, 1);
      const to = descending ? Math.max(options.to ?? 1, 1) : (options.to ?? unbounded);
      while (remaining > 0) {
        const limit = Math.min(pageSize, remaining);
        const rows = descending
          ? await database.rows<EventRow>(backward, [streamId, Math.max(to, from - limit + 1), from])
          : await database.rows<EventRow>(forward, [streamId, from, Math.min(to, from + limit - 1)]);
        for (const row of rows) yield toRecordedEvent(row);
        if (rows.length < limit) return;
        remaining -= rows.length;
        from = descending ? from - limit : from + limit;
      }
    },

    async streamHead(streamId) {
      const [row] = await database.rows<[number]>(streamHead, [streamId]);
      return row?.[0] ?? 0;
    },

    async readVersions(streamId, from, to) {
      return rowsToEvents(await database.rows<EventRow>(forward, [streamId, from, to]));
    },

    async locate(eventIds) {
      if (eventIds.length === 0) return new Map();
      const rows = await database.rows<[string, string, number]>(locate, [eventIds]);
      return new Map(rows.map(([id, streamId, streamVersion]) => [id, { streamId, streamVersion }]));
    },

    async findCommand(streamId, commandId) {
      return rowsToEvents(await database.rows<EventRow>(byCommand, [streamId, commandId]));
    },
  };
}
