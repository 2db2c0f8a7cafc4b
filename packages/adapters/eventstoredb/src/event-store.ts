import {
  type AppendOptions,
  type AppendResult,
  assertExpectedVersion,
  ConcurrencyError,
  type EventStore,
  findEarlierAppend,
  type NewEvent,
  type RecordedEvent,
  withCanonicalEventIds,
} from '@ordo/core';
import { createAllReader } from './all-reader.js';
import { conflictAsRead } from './append-conflict.js';
import { toAppendError, toConcurrencyError } from './error-translation.js';
import { EsdbAppendMismatchError } from './errors.js';
import type { EsdbClient } from './esdb-client.js';
import { createEsdbSubscription, type ResubscribeOptions } from './esdb-subscription.js';
import { toEventData } from './event-mapping.js';
import { toExpectedRevision } from './expected-revision.js';
import { createStreamReader } from './stream-reader.js';

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
  const { readEsdbStream, latest, readStream } = createStreamReader(client);
  const { readAll, headPosition } = createAllReader(client, options.batchSize ?? 500);

  async function appendToStream(
    streamId: string,
    given: readonly NewEvent[],
    appendOptions: AppendOptions = {},
  ): Promise<AppendResult> {
    // ESDB answers with lowercase ids whatever the spelling sent, and refuses ids that are not GUIDs.
    const events = withCanonicalEventIds(given);
    const expected = appendOptions.expectedVersion ?? 'any';
    if (events.length === 0) {
      const [last] = await latest(streamId, 1);
      assertExpectedVersion(streamId, expected, last?.streamVersion ?? 0);
      return { streamVersion: last?.streamVersion ?? 0, position: last?.position ?? 0, events: [] };
    }
    const checksIds = duplicateCheckWindow > 0 && events[0]?.id !== undefined;
    // The server's StreamExists also passes a stream holding only metadata; the port means "has events".
    const recent =
      checksIds || expected === 'stream_exists' ? await latest(streamId, checksIds ? duplicateCheckWindow : 1) : [];
    if (checksIds) {
      const byId = new Map(recent.map((event) => [event.id, event]));
      const earlier = findEarlierAppend(streamId, events, expected, recent[0]?.streamVersion ?? 0, (id) =>
        byId.get(id),
      );
      if (earlier !== undefined) {
        const written = recent.filter(
          (e) => e.streamVersion >= earlier.fromVersion && e.streamVersion <= earlier.toVersion,
        );
        written.sort((a, b) => a.streamVersion - b.streamVersion);
        return { ...resultOf(written), replayed: true };
      }
    }
    if (expected === 'stream_exists' && recent.length === 0) throw new ConcurrencyError(streamId, expected, 0);
    const data = events.map(toEventData);
    let nextExpectedRevision: bigint;
    try {
      const revision = toExpectedRevision(expected);
      const reply = await client.appendToStream(streamId, data, { expectedRevision: revision, streamState: revision });
      // A client built with `throwOnAppendFailure: false` answers a conflict instead of throwing.
      if (!reply.success) throw new ConcurrencyError(streamId, expected, Number.NaN);
      nextExpectedRevision = reply.nextExpectedRevision;
    } catch (error) {
      const refused = toAppendError(error, streamId, data.length);
      if (refused !== undefined) throw refused;
      const conflict = error instanceof ConcurrencyError ? error : toConcurrencyError(error, streamId, expected);
      if (conflict === undefined) throw error;
      const [newest] = await latest(streamId, 1);
      throw await conflictAsRead(client, streamId, expected, conflict.actual, newest);
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

  function resultOf(written: readonly RecordedEvent[]): AppendResult {
    const last = written[written.length - 1];
    return { streamVersion: last?.streamVersion ?? 0, position: last?.position ?? 0, events: written };
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
