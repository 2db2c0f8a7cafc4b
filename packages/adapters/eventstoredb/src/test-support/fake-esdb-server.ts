import {
  WrongExpectedVersionError as EventStoreDbWrongVersion,
  StreamDeletedError,
  StreamNotFoundError,
  UnknownError,
} from '@eventstore/db-client';
import { WrongExpectedVersionError as KurrentDbWrongVersion } from '@kurrent/kurrentdb-client';
import type {
  EsdbAppendOptions,
  EsdbClient,
  EsdbEventData,
  EsdbExpectedRevision,
  EsdbPosition,
  EsdbRecordedEvent,
  EsdbStreamingRead,
} from '../esdb-client.js';
import { generatorRead } from './all-log.js';

interface StoredEvent extends EsdbRecordedEvent {
  readonly position: EsdbPosition;
}

interface FakeStream {
  readonly events: StoredEvent[];
  metadata: { truncateBefore?: bigint; maxCount?: number; maxAge?: number } | undefined;
  tombstoned: boolean;
}

/** long.MaxValue: the `$tb` a soft delete writes (IndexWriter.cs IsSoftDeleted). */
const softDeletedMark = 2n ** 63n - 1n;
const hex32 = /^[0-9a-f]{32}$/i;

/** Guid.Parse as the server applies it to a proposed event id (Grpc/Uuid.cs), then Guid.ToString(). */
function parseGuid(id: string): string {
  const inner = /^\{.*\}$|^\(.*\)$/.test(id) ? id.slice(1, -1) : id;
  const digits = inner.replaceAll('-', '');
  const hyphensFit = inner.length === 32 || /^.{8}-.{4}-.{4}-.{4}-.{12}$/.test(inner);
  if (!hex32.test(digits) || !hyphensFit) throw new UnknownError(undefined, 'Unrecognized Guid format.');
  // Data/Event.cs: "Empty eventId provided."
  if (/^0+$/.test(digits)) throw new UnknownError(undefined, 'Empty eventId provided.');
  const d = digits.toLowerCase();
  return `${d.slice(0, 8)}-${d.slice(8, 12)}-${d.slice(12, 16)}-${d.slice(16, 20)}-${d.slice(20)}`;
}

/**
 * An in-process stand-in for one EventStoreDB node, following the server's own rules where the
 * adapter depends on them: IndexWriter.CheckCommit (v24.10.0) for expected versions, soft delete and
 * metadata-only streams; `$tb`/`$maxCount`/`$maxAge` hiding events from reads while the stream's
 * last revision stays; StorageWriterService.SoftUndeleteStream writing `$tb` when a soft-deleted
 * stream is appended to. `client` is `@eventstore/db-client` (reads `expectedRevision`, reads with
 * `cancel()`) or `@kurrent/kurrentdb-client` (reads `streamState`, reads are async generators).
 */
export function createFakeEsdbServer(flavour: 'eventstoredb' | 'kurrentdb' = 'eventstoredb') {
  const streams = new Map<string, FakeStream>();
  const log: StoredEvent[] = [];
  let nextPosition = 1000n;
  let now = Date.UTC(2026, 0, 1);
  const cancelled: string[] = [];

  const streamOf = (name: string): FakeStream => {
    let stream = streams.get(name);
    if (stream === undefined) {
      stream = { events: [], metadata: undefined, tombstoned: false };
      streams.set(name, stream);
    }
    return stream;
  };

  const readable = (stream: FakeStream): StoredEvent[] => {
    const last = stream.events.at(-1)?.revision ?? -1n;
    const meta = stream.metadata ?? {};
    return stream.events.filter(
      (event) =>
        (meta.truncateBefore === undefined || event.revision >= meta.truncateBefore) &&
        (meta.maxCount === undefined || event.revision > last - BigInt(meta.maxCount)) &&
        (meta.maxAge === undefined || now - event.created.getTime() < meta.maxAge * 1000),
    );
  };

  const wrongVersion = (streamName: string, expected: EsdbExpectedRevision, current: bigint) => {
    const versions = {
      streamName,
      expected: typeof expected === 'bigint' ? expected : -1n,
      current: current < 0n ? ('no_stream' as const) : current,
    };
    return flavour === 'eventstoredb'
      ? new EventStoreDbWrongVersion(undefined, versions)
      : new KurrentDbWrongVersion(undefined, versions);
  };

  const asRead = (events: readonly StoredEvent[], label: string): EsdbStreamingRead => {
    const resolved = events.map((event) => ({ event }));
    if (flavour === 'kurrentdb') return generatorRead(resolved);
    return Object.assign(generatorRead(resolved), {
      cancel: async () => {
        cancelled.push(label);
      },
    });
  };

  const client: EsdbClient = {
    async appendToStream(streamName: string, events: EsdbEventData[], options: EsdbAppendOptions) {
      // Each client reads only its own key; a missing one means "any".
      const expected = (flavour === 'eventstoredb' ? options.expectedRevision : options.streamState) ?? 'any';
      const ids = events.map((event) => parseGuid(event.id));
      const stream = streamOf(streamName);
      if (stream.tombstoned) throw StreamDeletedError.fromStreamName(streamName);
      const current = stream.events.at(-1)?.revision ?? -1n;
      const softDeleted = stream.metadata?.truncateBefore === softDeletedMark;
      const expectedNumber = expected === 'no_stream' ? -1n : typeof expected === 'bigint' ? expected : undefined;
      if (expected === 'stream_exists') {
        if (softDeleted) throw StreamDeletedError.fromStreamName(streamName);
        if (current < 0n && stream.metadata === undefined) throw wrongVersion(streamName, expected, current);
      } else if (expectedNumber !== undefined && expectedNumber !== current) {
        const acceptedAsRecreate = expected === 'no_stream' && softDeleted;
        if (!acceptedAsRecreate) throw wrongVersion(streamName, expected, current);
      }
      if (softDeleted) stream.metadata = { ...stream.metadata, truncateBefore: current + 1n };
      events.forEach((event, index) => {
        const position = { commit: nextPosition, prepare: nextPosition };
        nextPosition += 100n;
        const stored: StoredEvent = {
          streamId: streamName,
          id: ids[index] as string,
          revision: current + 1n + BigInt(index),
          type: event.type,
          created: new Date(now),
          data: event.data,
          metadata: event.metadata,
          position,
        };
        stream.events.push(stored);
        log.push(stored);
      });
      const last = stream.events.at(-1) as StoredEvent;
      return { success: true, nextExpectedRevision: last.revision, position: last.position };
    },

    async getStreamMetadata(streamName: string) {
      const metadata = streams.get(streamName)?.metadata;
      return metadata === undefined ? {} : { metadata };
    },

    readStream(streamName, options) {
      const stream = streams.get(streamName);
      if (stream?.tombstoned) throw StreamDeletedError.fromStreamName(streamName);
      const events = stream === undefined ? [] : readable(stream);
      if (events.length === 0 && (stream?.events.length ?? 0) === 0) {
        return (async function* () {
          yield* [];
          throw new StreamNotFoundError(undefined, streamName);
        })();
      }
      const from = options.fromRevision;
      const max = Number(options.maxCount);
      const picked =
        options.direction === 'forwards'
          ? events.filter((event) => from === 'start' || (from !== 'end' && event.revision >= from))
          : events.filter((event) => from === 'end' || (from !== 'start' && event.revision <= from)).reverse();
      return asRead(picked.slice(0, max), `stream ${streamName}`);
    },

    readAll(options) {
      const from = options.fromPosition;
      const after = (event: StoredEvent, at: EsdbPosition) =>
        event.position.commit > at.commit ||
        (event.position.commit === at.commit && event.position.prepare >= at.prepare);
      const picked =
        options.direction === 'forwards'
          ? log.filter((event) => from === 'start' || (from !== 'end' && after(event, from)))
          : log.filter((event) => from === 'end' || (from !== 'start' && !after(event, from))).reverse();
      return asRead(picked.slice(0, Number(options.maxCount)), '$all');
    },

    subscribeToAll() {
      throw new Error('not used by these tests');
    },
  };

  return {
    client,
    cancelled,
    /** What `setStreamMetadata` does: a metadata event, so the stream "exists" for StreamExists. */
    setMetadata(streamName: string, metadata: NonNullable<FakeStream['metadata']>) {
      streamOf(streamName).metadata = metadata;
    },
    /** A soft delete: `$tb` = long.MaxValue (ClientMessage.DeleteStream with hardDelete false). */
    softDelete(streamName: string) {
      streamOf(streamName).metadata = { truncateBefore: softDeletedMark };
    },
    advanceClock(ms: number) {
      now += ms;
    },
    /** Events of an explicit transaction (ESDB 5 or a TCP client): one commit position, own prepare positions. */
    legacyTransaction(streamName: string, count: number) {
      const stream = streamOf(streamName);
      const commit = nextPosition + BigInt(count) * 100n;
      for (let index = 0; index < count; index += 1) {
        const stored: StoredEvent = {
          streamId: streamName,
          id: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
          revision: BigInt(stream.events.length),
          type: 'Legacy',
          created: new Date(now),
          data: {},
          metadata: {},
          position: { commit, prepare: nextPosition + BigInt(index) * 100n },
        };
        stream.events.push(stored);
        log.push(stored);
      }
      nextPosition = commit + 100n;
    },
  };
}
