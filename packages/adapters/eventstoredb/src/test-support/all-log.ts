import type { EsdbPosition, EsdbRecordedEvent, EsdbResolvedEvent, EsdbStreamingRead } from '../esdb-client.js';
import { ordoMetadataKey } from '../event-mapping.js';

/** One record of the transaction file: it starts at `at` and ends where the next one starts. */
export interface LogRecord {
  readonly at: number;
  readonly streamId: string;
  readonly type?: string;
}

const before = (a: EsdbPosition, b: EsdbPosition) =>
  a.commit < b.commit || (a.commit === b.commit && a.prepare < b.prepare);
const pos = (value: number): EsdbPosition => ({ commit: BigInt(value), prepare: BigInt(value) });

export function recordedAt(record: LogRecord, revision = 0n): EsdbRecordedEvent {
  return {
    streamId: record.streamId,
    id: `00000000-0000-4000-8000-${String(record.at).padStart(12, '0')}`,
    revision,
    type: record.type ?? 'Deposited',
    created: new Date(0),
    data: { at: record.at },
    metadata: { [ordoMetadataKey]: { schemaVersion: 1 } },
    position: pos(record.at),
  };
}

/** A read as `@kurrent/kurrentdb-client` returns it: an async generator, no `cancel()`. */
export function generatorRead(events: readonly EsdbResolvedEvent[]): EsdbStreamingRead {
  return (async function* () {
    yield* events;
  })();
}

/**
 * `$all` reads over a list of self-committed records, by the rules of KurrentDB's AllReader.cs
 * (oss-v23.6.0 to v25.0.0, ReadAllEventsForwardInternal / ReadAllEventsBackwardInternal): a forward
 * read from `p` returns records with `(start, start) >= p`; a backward read from `p` returns
 * records with `end <= p.commit` and `(end, end) <= p`, newest first.
 */
export function readAllOver(log: readonly LogRecord[]) {
  const sorted = [...log].sort((a, b) => a.at - b.at);
  const endOf = (index: number) => sorted[index + 1]?.at ?? (sorted[index]?.at ?? 0) + 100;
  return (options: {
    readonly fromPosition: 'start' | 'end' | EsdbPosition;
    readonly direction: 'forwards' | 'backwards';
    readonly maxCount: number | bigint;
  }): EsdbStreamingRead => {
    const max = Number(options.maxCount);
    const from = options.fromPosition;
    if (options.direction === 'forwards') {
      const picked = sorted.filter((record) => from === 'start' || (from !== 'end' && !before(pos(record.at), from)));
      return generatorRead(picked.slice(0, max).map((record) => ({ event: recordedAt(record) })));
    }
    const picked = sorted.filter((_record, index) => {
      if (from === 'end' || from === 'start') return from === 'end';
      const end = pos(endOf(index));
      return end.commit <= from.commit && !before(from, end);
    });
    return generatorRead(
      picked
        .reverse()
        .slice(0, max)
        .map((record) => ({ event: recordedAt(record) })),
    );
  };
}
