import { combineProjectionRunners } from './combine-projection-runners.js';
import type { PartitionedEventSource } from './event-source.js';
import { type AnyProjection, isStreamKeyed } from './projection.js';
import { createProjectionRunner, type ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner.js';

/** A source already partitioned by stream id, such as a Kafka topic fed by the relay. */
export interface StreamKeyedSource {
  readonly source: PartitionedEventSource;
  /** The topic's partition count: only projections with as many partitions can read it. */
  readonly partitions: number;
}

export interface SplitFeedRunnerOptions extends Omit<ProjectionRunnerOptions, 'source' | 'rebuildSource'> {
  /** Reads the event store: feeds any partition key, and every rebuild. */
  readonly storeSource: PartitionedEventSource;
  /** Absent when `storeSource` feeds every projection (the embedded default). */
  readonly streamSource?: StreamKeyedSource | undefined;
}

/** A runner over both feeds, and which projection names each one drives. */
export interface SplitFeedRunner extends ProjectionRunner {
  readonly feeds: { readonly stream: readonly string[]; readonly store: readonly string[] };
}

/**
 * Which projections a stream-keyed source can feed: those keyed by stream id with as many
 * partitions as its topic. The rest (custom keys, process managers) must read the event store,
 * where the runner partitions by their own key.
 */
export function splitByFeed(projections: readonly AnyProjection[], partitions: number) {
  const byStream = projections.filter((p) => isStreamKeyed(p) && p.partitions === partitions);
  return { byStream, byStore: projections.filter((p) => !byStream.includes(p)) };
}

/**
 * The production shape behind one runner surface: projections keyed by stream id read the
 * stream-keyed source (rebuilding from the store), all others read the event store. Without a
 * stream-keyed source it is one runner over the store.
 *
 * @example
 * const runner = createSplitFeedRunner({
 *   storeSource: createStoreEventSource(events),
 *   streamSource: { source: createKafkaEventSource({ kafka, topic, headPosition }), partitions: 4 },
 *   store: readStore,
 *   projections: [accounts, dailyTotals, transfers.projection],
 * });
 * runner.feeds; // { stream: ['accounts'], store: ['daily_totals', 'transfer'] }
 */
export function createSplitFeedRunner(options: SplitFeedRunnerOptions): SplitFeedRunner {
  const { storeSource, streamSource, projections, ...shared } = options;
  if (streamSource === undefined) {
    const runner = createProjectionRunner({ ...shared, source: storeSource, projections });
    return { ...runner, feeds: { stream: [], store: runner.names() } };
  }
  const { byStream, byStore } = splitByFeed(projections, streamSource.partitions);
  const runner = combineProjectionRunners(
    createProjectionRunner({
      ...shared,
      source: streamSource.source,
      rebuildSource: storeSource,
      projections: byStream,
    }),
    createProjectionRunner({ ...shared, source: storeSource, projections: byStore }),
  );
  return { ...runner, feeds: { stream: byStream.map((p) => p.name), store: byStore.map((p) => p.name) } };
}
