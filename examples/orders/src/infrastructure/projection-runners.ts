import {
  type AnyProjection,
  combineProjectionRunners,
  createProjectionRunner,
  isStreamKeyed,
  type ProjectionRunner,
} from '@ordo/projections';
import type { Infrastructure } from './infrastructure.js';

/**
 * Which projections the stream-keyed source (Kafka) can feed: those keyed by stream id with as many
 * partitions as its topic. The rest (custom keys, process managers) read the event store.
 */
export function splitByFeed(projections: readonly AnyProjection[], partitions: number) {
  const byStream = projections.filter((p) => isStreamKeyed(p) && p.partitions === partitions);
  return { byStream, byStore: projections.filter((p) => !byStream.includes(p)) };
}

/** The runner and, by name, which projections each feed drives (`stream` is empty when embedded). */
export interface Runners {
  readonly runner: ProjectionRunner;
  readonly feeds: { readonly stream: readonly string[]; readonly store: readonly string[] };
}

/**
 * One runner over the store when it feeds everything (embedded); otherwise a runner on the
 * stream-keyed source (rebuilding from the store) and one on the store, combined, over one read store.
 */
export function createRunner(infrastructure: Infrastructure, projections: readonly AnyProjection[]): Runners {
  const { storeSource, streamSource, readStore: store, deadLetters } = infrastructure;
  if (streamSource === undefined) {
    return {
      runner: createProjectionRunner({ source: storeSource, store, deadLetters, projections }),
      feeds: { stream: [], store: projections.map((p) => p.name) },
    };
  }
  const { byStream, byStore } = splitByFeed(projections, streamSource.partitions);
  const runner = combineProjectionRunners(
    createProjectionRunner({
      source: streamSource.source,
      rebuildSource: storeSource,
      store,
      deadLetters,
      projections: byStream,
    }),
    createProjectionRunner({ source: storeSource, store, deadLetters, projections: byStore }),
  );
  return { runner, feeds: { stream: byStream.map((p) => p.name), store: byStore.map((p) => p.name) } };
}
