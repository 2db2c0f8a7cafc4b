import type { EventStore } from '@ordo/core';
import { type AnyProjection, createPartitioner, type DeadLetterStore, type ReadStore } from '@ordo/projections';
import type { NamedProjection } from './find-projection.js';

export interface PartitionReport {
  readonly partition: number;
  readonly checkpoint: number;
  /** Highest position whose events of this partition are all applied (idle partitions follow the head). */
  readonly reached: number;
  readonly lag: number;
  readonly parked: number;
}

export type ProjectionState = 'not-started' | 'caught-up' | 'behind' | 'version-pending';

export interface ProjectionReport {
  readonly name: string;
  readonly kind: NamedProjection['kind'];
  /** Newest version the config registers. */
  readonly version: number;
  /** Version the alias serves; `undefined` before the first run. */
  readonly liveVersion: number | undefined;
  readonly collection: string | undefined;
  readonly state: ProjectionState;
  readonly headPosition: number;
  readonly lag: number;
  /** False when the scan limit was hit: lags are then upper bounds (head minus checkpoint). */
  readonly lagExact: boolean;
  readonly parked: number;
  readonly partitions: readonly PartitionReport[];
  /** Process managers: instances per status (`completed`, `needs-attention`, ...). */
  readonly instances?: Readonly<Record<string, number>>;
}

export interface ReportSources {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly deadLetters: DeadLetterStore;
}

// Bounds the work `status` does for a far-behind projection; beyond it lags are reported as upper bounds.
const scanLimit = 200_000;

/**
 * Where a projection stands, read from the stores alone (alias, checkpoints, dead letters, head),
 * so it is accurate whichever process runs the projection and changes nothing.
 */
export async function reportProjection(sources: ReportSources, named: NamedProjection): Promise<ProjectionReport> {
  const { projection } = named;
  const headPosition = await sources.store.headPosition();
  const collection = await sources.readStore.resolveAlias(projection.name);
  const base = { name: named.name, kind: named.kind, version: projection.version, headPosition };
  if (collection === undefined) {
    return {
      ...base,
      liveVersion: undefined,
      collection,
      state: 'not-started',
      lag: headPosition,
      lagExact: true,
      parked: 0,
      partitions: [],
    };
  }
  const liveVersion = Number(/_v(\d+)(?:_r\w*)?$/.exec(collection)?.[1] ?? projection.version);
  const stored = await sources.readStore.checkpoints.load(collection);
  const checkpoints = Array.from({ length: projection.partitions }, (_, p) => stored.get(p) ?? 0);
  const { reached, exact } = await reachedPositions(sources.store, projection, checkpoints, headPosition);
  const parkedEntries = await sources.deadLetters.list(collection);
  const partitions = checkpoints.map((checkpoint, partition) => ({
    partition,
    checkpoint,
    reached: reached[partition] ?? checkpoint,
    lag: headPosition - (reached[partition] ?? checkpoint),
    parked: parkedEntries.filter((entry) => entry.partition === partition).length,
  }));
  const lag = Math.max(0, ...partitions.map((partition) => partition.lag));
  const state: ProjectionState =
    liveVersion < projection.version ? 'version-pending' : lag === 0 ? 'caught-up' : 'behind';
  const instances = named.kind === 'process manager' ? await countStatuses(sources.readStore, collection) : undefined;
  return {
    ...base,
    liveVersion,
    collection,
    state,
    lag,
    lagExact: exact,
    parked: parkedEntries.length,
    partitions,
    ...(instances === undefined ? {} : { instances }),
  };
}

/** Per partition: one before its first unapplied event, or the head when it has none. */
async function reachedPositions(
  store: EventStore,
  projection: AnyProjection,
  checkpoints: readonly number[],
  head: number,
): Promise<{ reached: number[]; exact: boolean }> {
  const reached = checkpoints.map(() => head);
  const pending = new Set(checkpoints.flatMap((checkpoint, p) => (checkpoint < head ? [p] : [])));
  if (pending.size === 0) return { reached: [...checkpoints], exact: true };
  const partitionOf = createPartitioner(projection.partitions);
  let scanned = 0;
  const events = store.readAll({
    after: Math.min(...checkpoints),
    to: head,
    filter: { eventTypes: projection.eventTypes },
  });
  for await (const event of events) {
    const partition = partitionOf(projection.partitionKey(event));
    if (pending.has(partition) && event.position > (checkpoints[partition] ?? 0)) {
      reached[partition] = event.position - 1;
      pending.delete(partition);
      if (pending.size === 0) break;
    }
    scanned += 1;
    if (scanned >= scanLimit) {
      for (const partition of pending) reached[partition] = checkpoints[partition] ?? 0;
      return { reached, exact: false };
    }
  }
  return { reached, exact: true };
}

/** Pages through a process manager's status documents (bounded memory) and counts them by status. */
async function countStatuses(readStore: ReadStore, collection: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let cursor: string | undefined;
  do {
    const page = await readStore.find(collection, { limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
    for (const item of page.items) {
      const status = String((item.document as { status?: unknown }).status ?? 'unknown');
      counts[status] = (counts[status] ?? 0) + 1;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return counts;
}
