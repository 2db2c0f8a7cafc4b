import {
  type AppendOptions,
  type AppendResult,
  assertExpectedVersion,
  ConcurrencyError,
  type EventStore,
  type ExpectedVersion,
  findEarlierAppend,
  matchesFilter,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
} from '@ordo/core';
import { isStreamDeleted, isStreamNotFound, toAppendError, toConcurrencyError } from './error-translation.js';
import { EsdbAppendMismatchError, EsdbStreamDeletedError } from './errors.js';
import type { EsdbClient } from './esdb-client.js';
import { readPositionAfter, toOrdoPosition } from './esdb-position.js';
import { createEsdbSubscription, type ResubscribeOptions } from './esdb-subscription.js';
import { isSystemEvent, toEventData, toRecordedEvent } from './event-mapping.js';
import { toExpectedRevision } from './expected-revision.js';
import { planStreamRead } from './stream-read-plan.js';

export interface EsdbEventStoreOptions {
  /** An `EventStoreDBClient` (or a `KurrentDBClient`); the caller owns it and disposes it. */
  readonly client: EsdbClient;
  /**
   * How many of a stream's latest events `findCommand` reads. ESDB has no index by command id, so
   * a command older than this window is not recognised. Default 1000.
   */
  readonly lookbackWindow?: number;
  /**
   * How many of a stream's latest events an append checks for the batch's ids, so a retried append
   * is answered with the earlier write and stored ids are refused at other versions. 0 disables it
   * (ESDB alone is idempotent only at the exact expected version). Default 100.
   */
  readonly duplicateCheckWindow?: number;
  /** Default page size of `readAll`. */
  readonly batchSize?: number;
  /** Backoff of a subscription that the server or network dropped. */
  readonly resubscribe?: ResubscribeOptions;
  /**
   * A filtered subscription hears of progress through events its filter drops every this many
   * considered events (ESDB's `maxSearchWindow`). Lower means fresher checkpoints and more, smaller
   * server reads. Default 32 (the server's own).
   */
  readonly checkpointEvery?: number;
}

export type EsdbEventStore = EventStore;

/**
 * The event store port on EventStoreDB: expected versions map to ESDB revisions (version v is
 * revision v - 1), conflicts raise `ConcurrencyError`, event ids are kept so a retried append is
 * recognised, positions are `$all` commit positions.
 *
 * @example
 * const client = EventStoreDBClient.connectionString`esdb://localhost:2113?tls=false`;
 * const store = createEsdbEventStore({ client });
 */
export function createEsdbEventStore(options: EsdbEventStoreOptions): EsdbEventStore {
  const { client } = options;
  const lookbackWindow = options.lookbackWindow ?? 1000;
  const duplicateCheckWindow = options.duplicateCheckWindow ?? 100;
  const defaultBatchSize = options.batchSize ?? 500;
  const headScanLimit = 64;

  async function* readEsdbStream(
    streamId: string,
    fromRevision: 'start' | 'end' | bigint,
    direction: 'forwards' | 'backwards',
    maxCount: number,
    requiresLeader = false,
  ): AsyncGenerator<RecordedEvent> {
    const read = client.readStream(streamId, { fromRevision, direction, maxCount, requiresLeader });
    let complete = false;
    try {
      for await (const resolved of read) {
        if (resolved.event !== undefined) yield toRecordedEvent(resolved.event);
      }
      complete = true;
    } catch (error) {
      if (isStreamDeleted(error)) throw new EsdbStreamDeletedError(streamId);
      if (!isStreamNotFound(error)) throw error;
    } finally {
      // Leaving early (a bound reached, a consumer's break) must end the server call as well.
      if (!complete) await read.cancel().catch(() => undefined);
    }
  }

  // Reads that decide an append go to the leader: a follower's index may not hold the latest write yet.
  async function latest(streamId: string, count: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of readEsdbStream(streamId, 'end', 'backwards', count, true)) events.push(event);
    return events;
  }

  async function appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    appendOptions: AppendOptions = {},
  ): Promise<AppendResult> {
    const expected = appendOptions.expectedVersion ?? 'any';
    if (events.length === 0) {
      const [last] = await latest(streamId, 1);
      assertExpectedVersion(streamId, expected, last?.streamVersion ?? 0);
      return { streamVersion: last?.streamVersion ?? 0, position: last?.position ?? 0, events: [] };
    }
    if (duplicateCheckWindow > 0 && events[0]?.id !== undefined) {
      const recent = await latest(streamId, duplicateCheckWindow);
      const byId = new Map(recent.map((event) => [event.id, event]));
      const earlier = findEarlierAppend(streamId, events, expected, recent[0]?.streamVersion ?? 0, (id) =>
        byId.get(id),
      );
      if (earlier !== undefined) {
        const written = recent.filter(
          (e) => e.streamVersion >= earlier.fromVersion && e.streamVersion <= earlier.toVersion,
        );
        written.sort((a, b) => a.streamVersion - b.streamVersion);
        return resultOf(written);
      }
    }
    const data = events.map(toEventData);
    let nextExpectedRevision: bigint;
    try {
      const reply = await client.appendToStream(streamId, data, { expectedRevision: toExpectedRevision(expected) });
      // A client built with `throwOnAppendFailure: false` answers a conflict instead of throwing.
      if (!reply.success) throw await conflictAt(streamId, expected);
      nextExpectedRevision = reply.nextExpectedRevision;
    } catch (error) {
      if (error instanceof ConcurrencyError) throw error;
      const refused = toAppendError(error, streamId, data.length);
      if (refused !== undefined) throw refused;
      const conflict = toConcurrencyError(error, streamId, expected);
      if (conflict === undefined) throw error;
      throw Number.isNaN(conflict.actual) ? await conflictAt(streamId, expected) : conflict;
    }
    // Read the batch back: the append reply has no per-event positions or server timestamps.
    const firstRevision = nextExpectedRevision - BigInt(data.length - 1);
    const written: RecordedEvent[] = [];
    for await (const event of readEsdbStream(streamId, firstRevision, 'forwards', data.length, true)) {
      written.push(event);
    }
    const ids = data.map((event) => event.id);
    if (written.length !== ids.length || written.some((event, i) => event.id !== ids[i])) {
      throw new EsdbAppendMismatchError(streamId, `expected ids ${ids.join(',')} at revision ${firstRevision}`);
    }
    return resultOf(written);
  }

  async function conflictAt(streamId: string, expected: ExpectedVersion): Promise<ConcurrencyError> {
    const [last] = await latest(streamId, 1);
    return new ConcurrencyError(streamId, expected, last?.streamVersion ?? 0);
  }

  function resultOf(written: readonly RecordedEvent[]): AppendResult {
    const last = written[written.length - 1];
    return { streamVersion: last?.streamVersion ?? 0, position: last?.position ?? 0, events: written };
  }

  function readStream(streamId: string, readOptions: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const plan = planStreamRead(readOptions);
    return (async function* () {
      if (plan === undefined) return;
      let count = 0;
      for await (const event of readEsdbStream(streamId, plan.fromRevision, plan.direction, plan.maxCount)) {
        if (event.streamVersion < plan.lowest || event.streamVersion > plan.highest || count >= plan.limit) return;
        count += 1;
        yield event;
      }
    })();
  }

  function readAll(readOptions: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const batchSize = Math.max(1, readOptions.batchSize ?? defaultBatchSize);
    return (async function* () {
      let cursor = readOptions.after ?? 0;
      const to = readOptions.to ?? Number.POSITIVE_INFINITY;
      while (cursor < to) {
        // A forward $all read includes the event at its start position, so ask for one more.
        const maxCount = cursor > 0 ? batchSize + 1 : batchSize;
        let fetched = 0;
        let fresh = 0;
        const read = client.readAll({ fromPosition: readPositionAfter(cursor), direction: 'forwards', maxCount });
        let complete = false;
        try {
          for await (const resolved of read) {
            fetched += 1;
            const raw = resolved.event;
            if (raw?.position === undefined) continue;
            const position = toOrdoPosition(raw.position);
            if (position <= cursor) continue;
            if (position > to) return;
            fresh += 1;
            cursor = position;
            if (isSystemEvent(raw)) continue;
            const event = toRecordedEvent(raw);
            if (matchesFilter(event, readOptions.filter)) yield event;
          }
          complete = true;
        } finally {
          if (!complete) await read.cancel().catch(() => undefined);
        }
        if (fresh === 0 || fetched < maxCount) return;
      }
    })();
  }

  // One backward $all read, stopped at the newest non-system event (ESDB writes its own events after ours).
  async function headPosition(): Promise<number> {
    const read = client.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: headScanLimit });
    let head = 0;
    try {
      for await (const resolved of read) {
        const raw = resolved.event;
        if (raw?.position === undefined) continue;
        const position = toOrdoPosition(raw.position);
        if (head === 0) head = position;
        if (!isSystemEvent(raw)) return position;
      }
      return head;
    } finally {
      await read.cancel().catch(() => undefined);
    }
  }

  async function findCommand(streamId: string, commandId: string): Promise<readonly RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    for await (const event of readEsdbStream(streamId, 'end', 'backwards', lookbackWindow)) {
      if (event.metadata.commandId === commandId) found.push(event);
      else if (found.length > 0) break;
    }
    return found.reverse();
  }

  return {
    appendToStream,
    readStream,
    readAll,
    subscribe: (subscribeOptions = {}) =>
      createEsdbSubscription({
        client,
        ...subscribeOptions,
        ...(options.resubscribe === undefined ? {} : { resubscribe: options.resubscribe }),
        ...(options.checkpointEvery === undefined ? {} : { checkpointEvery: options.checkpointEvery }),
      }),
    headPosition,
    findCommand,
    close: async () => {},
  };
}
