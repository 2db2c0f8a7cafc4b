import type { AppendResult, ExpectedVersion, NewEvent, RecordedEvent } from '@ordo/core';
import type { PostgresDatabase } from './database.js';
import { isRetryable, PostgresQueryError } from './errors.js';
import type { EncodedBatch } from './event-row.js';

export interface AppendRequest {
  readonly streamId: string;
  /** The writer's events, for the idempotent-retry check on their ids. */
  readonly events: readonly NewEvent[];
  readonly batch: EncodedBatch;
  readonly expectedVersion: ExpectedVersion;
}

/** Why the append function refused a request: a version mismatch (with the actual version) or a taken event id. */
export type Refusal = { readonly kind: 'version'; readonly actual: number } | { readonly kind: 'duplicate-id' };

/** Settles a refused request: the stored result of an earlier identical append, or the typed error. */
export type SettleRefusal = (request: AppendRequest, refusal: Refusal) => Promise<AppendResult>;

/**
 * Group commit: appends queued while the previous group is in flight go to PostgreSQL together, as
 * one call of the append function (one statement, one transaction, one WAL flush). A group that
 * fails as a whole for a reason other than the server being unreachable is retried one request at
 * a time, so a bad request fails alone.
 */
export interface AppendQueue {
  run(request: AppendRequest): Promise<AppendResult>;
  /** Resolves once every request queued so far has settled. */
  drain(): Promise<void>;
}

interface Job {
  readonly request: AppendRequest;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

type OutcomeRow = [accepted: boolean, actualVersion: number, lastPosition: number | null, appendedAt: string];

const maxGroupEvents = 20_000;
const expectedCode = (expected: ExpectedVersion) =>
  expected === 'any' ? -1 : expected === 'no_stream' ? -2 : expected === 'stream_exists' ? -3 : expected;

export function createAppendQueue(database: PostgresDatabase, settleRefusal: SettleRefusal): AppendQueue {
  const appendSql = `SELECT accepted, actual_version, last_position, appended_at FROM ${database.table('append_events')}(
    $1::text[], $2::int8[], $3::int4[], $4::int4[], $5::int4[], $6::text[], $7::text[], $8::int4[], $9::jsonb[], $10::jsonb[], $11::text[])`;
  let pending: Job[] = [];
  let running = false;
  let scheduled = false;
  const drainers: Array<() => void> = [];

  /** Takes the next group: queue order, at most one request per stream (the function checks versions against the table). */
  function takeGroup(): Job[] {
    const group: Job[] = [];
    const rest: Job[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (const job of pending) {
      const size = job.request.batch.ids.length;
      const fits = group.length === 0 || events + size <= maxGroupEvents;
      if (fits && !streams.has(job.request.streamId)) {
        group.push(job);
        streams.add(job.request.streamId);
        events += size;
      } else {
        rest.push(job);
        // Later requests to a skipped stream must wait too, or they would overtake it.
        streams.add(job.request.streamId);
      }
    }
    pending = rest;
    return group;
  }

  async function callAppend(group: readonly Job[]): Promise<OutcomeRow[]> {
    const streamIds: string[] = [];
    const expected: number[] = [];
    const counts: number[] = [];
    const appendIndex: number[] = [];
    const offsets: number[] = [];
    const columns: EncodedBatch = { ids: [], types: [], schemaVersions: [], data: [], metadata: [], commandIds: [] };
    group.forEach(({ request }, index) => {
      streamIds.push(request.streamId);
      expected.push(expectedCode(request.expectedVersion));
      const { batch } = request;
      counts.push(batch.ids.length);
      for (let offset = 1; offset <= batch.ids.length; offset += 1) {
        appendIndex.push(index + 1);
        offsets.push(offset);
      }
      columns.ids.push(...batch.ids);
      columns.types.push(...batch.types);
      columns.schemaVersions.push(...batch.schemaVersions);
      columns.data.push(...batch.data);
      columns.metadata.push(...batch.metadata);
      columns.commandIds.push(...batch.commandIds);
    });
    return database.rows<OutcomeRow>(appendSql, [
      streamIds,
      expected,
      counts,
      appendIndex,
      offsets,
      columns.ids,
      columns.types,
      columns.schemaVersions,
      columns.data,
      columns.metadata,
      columns.commandIds,
    ]);
  }

  async function runGroup(group: readonly Job[]): Promise<void> {
    let rows: OutcomeRow[];
    try {
      rows = await callAppend(group);
    } catch (error) {
      if (group.length > 1 && !isRetryable(error)) {
        for (const job of group) await runGroup([job]);
        return;
      }
      const [job] = group;
      if (group.length === 1 && job !== undefined && isDuplicateEventId(error)) {
        settle(job, settleRefusal(job.request, { kind: 'duplicate-id' }));
        return;
      }
      for (const each of group) each.reject(error);
      return;
    }
    for (const [index, job] of group.entries()) {
      const row = rows[index];
      if (row === undefined) {
        job.reject(new PostgresQueryError(undefined, 'the append function returned no outcome'));
        continue;
      }
      const [accepted, actual, lastPosition, appendedAt] = row;
      if (accepted) job.resolve(appendResult(job.request, actual, lastPosition ?? 0, appendedAt));
      else settle(job, settleRefusal(job.request, { kind: 'version', actual }));
    }
  }

  const settle = (job: Job, outcome: Promise<AppendResult>) => void outcome.then(job.resolve, job.reject);

  async function flush(): Promise<void> {
    scheduled = false;
    running = true;
    while (pending.length > 0) await runGroup(takeGroup());
    running = false;
    for (const wake of drainers.splice(0)) wake();
  }

  return {
    run(request) {
      return new Promise<AppendResult>((resolve, reject) => {
        pending.push({ request, resolve, reject });
        // setImmediate lets every caller of this turn join the group; a running flush picks it up itself.
        if (!running && !scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
    drain() {
      if (!running && !scheduled) return Promise.resolve();
      return new Promise<void>((resolve) => drainers.push(resolve));
    },
  };
}

function isDuplicateEventId(error: unknown): boolean {
  if (!(error instanceof PostgresQueryError) || error.sqlState !== '23505') return false;
  const constraint = (error.cause as { constraint?: unknown } | undefined)?.constraint;
  return constraint === 'events_event_id';
}

/** The appended events are built from what was sent, on first access: most writers only read the version. */
function appendResult(request: AppendRequest, actual: number, lastPosition: number, timestamp: string): AppendResult {
  const { streamId, batch } = request;
  const count = batch.ids.length;
  const firstPosition = lastPosition - count + 1;
  let events: RecordedEvent[] | undefined;
  return {
    streamVersion: actual + count,
    position: lastPosition,
    get events() {
      events ??= batch.ids.map((id, index) => ({
        id,
        type: batch.types[index] as string,
        schemaVersion: batch.schemaVersions[index] as number,
        streamId,
        streamVersion: actual + index + 1,
        position: firstPosition + index,
        timestamp,
        data: JSON.parse(batch.data[index] as string) as unknown,
        metadata: JSON.parse(batch.metadata[index] as string) as RecordedEvent['metadata'],
      }));
      return events;
    },
  };
}
