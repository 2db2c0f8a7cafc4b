import { causingTraceContexts, getTelemetry, type InstrumentDescription } from '@ordo/core';
import type { SourceBatch } from './event-source.js';
import type { ProjectionStatus } from './projection-status.js';

export const projectionInstruments = {
  batchSize: { name: 'ordo.projection.batch.size', description: 'Events in a committed batch.', unit: '{event}' },
  batchDuration: {
    name: 'ordo.projection.batch.duration',
    description: 'Time to apply and commit one batch.',
    unit: 's',
  },
  parkedEvents: {
    name: 'ordo.projection.parked_events',
    description: 'Events parked in the dead-letter store.',
    unit: '{event}',
  },
  lag: {
    name: 'ordo.projection.lag',
    description: 'Positions between the source head and what a partition has reached.',
    unit: '{event}',
  },
  lagSeconds: {
    name: 'ordo.projection.lag_seconds',
    description: 'Age of the oldest event a partition holds but has not committed (0 when caught up).',
    unit: 's',
  },
  checkpoint: { name: 'ordo.projection.checkpoint', description: 'Last committed position of a partition.' },
  parked: { name: 'ordo.projection.parked', description: 'Parked (dead-lettered) events of a partition.' },
  head: { name: 'ordo.projection.head_position', description: 'Source head position seen by a projection.' },
  rebuildProgress: {
    name: 'ordo.projection.rebuild.progress',
    description: 'Share of a rebuild done, from 0 to 1.',
    unit: '1',
  },
  rebuildRate: { name: 'ordo.projection.rebuild.rate', description: 'Rebuild speed.', unit: '{event}/s' },
} satisfies Record<string, InstrumentDescription>;

export interface BatchTraceInfo {
  readonly projection: string;
  readonly version: number;
  readonly collection: string;
  readonly partition: number;
  readonly role: 'serving' | 'rebuilding';
}

/** Rebuilds and replays trace one batch in this many per partition, as roots without links. */
export const defaultRebuildTraceEvery = 100;

/**
 * Runs one partition batch in a `project <name>` span linked to the commands behind its events, and
 * records its size and duration. A rebuild's batches are sampled (`traceEvery`) and link nothing.
 */
export function traceBatch(
  info: BatchTraceInfo,
  batch: SourceBatch,
  sequence: number,
  traceEvery: number,
  process: () => Promise<void>,
): Promise<void> {
  const telemetry = getTelemetry();
  if (!telemetry.enabled || batch.events.length === 0) return process();
  const attributes = { 'ordo.projection': info.projection, 'ordo.projection.role': info.role };
  const started = performance.now();
  const measured = async () => {
    await process();
    telemetry.histogram(projectionInstruments.batchSize).record(batch.events.length, attributes);
    telemetry.histogram(projectionInstruments.batchDuration).record((performance.now() - started) / 1000, attributes);
  };
  const rebuilding = info.role === 'rebuilding';
  if (rebuilding && sequence % traceEvery !== 0) return measured();
  return telemetry.span(
    `project ${info.projection}`,
    {
      kind: 'consumer',
      root: rebuilding,
      ...(rebuilding ? {} : { links: causingTraceContexts(batch.events, 32) }),
      attributes: {
        ...attributes,
        'ordo.projection.version': info.version,
        'ordo.collection': info.collection,
        'ordo.partition': info.partition,
        'ordo.batch.size': batch.events.length,
        'ordo.batch.first_position': batch.events[0]?.position,
        'ordo.batch.last_position': batch.events.at(-1)?.position,
      },
    },
    measured,
  );
}

/** Runs a batch's read-model write (documents and checkpoint) in a `write <collection>` span. */
export function traceReadModelWrite<T>(collection: string, operations: number, write: () => Promise<T>): Promise<T> {
  const telemetry = getTelemetry();
  if (!telemetry.enabled) return write();
  return telemetry.span(
    `write ${collection}`,
    { kind: 'client', attributes: { 'db.collection.name': collection, 'ordo.operations': operations } },
    write,
  );
}

export function countParked(projection: string, count: number): void {
  if (count > 0)
    getTelemetry().counter(projectionInstruments.parkedEvents).add(count, { 'ordo.projection': projection });
}

export interface LagSample {
  readonly status: ProjectionStatus;
  /** Per partition, the oldest uncommitted event's timestamp in milliseconds, if one is in hand. */
  readonly pendingSince: readonly (number | undefined)[];
  readonly rebuild?: { readonly done: number; readonly total: number; readonly rate: number };
}

/** Observes lag, checkpoints, parked counts, heads and rebuild progress at each collection. */
export function observeProjections(sample: () => Promise<readonly LagSample[]>): () => void {
  const i = projectionInstruments;
  return getTelemetry().observeGauges(
    [i.lag, i.lagSeconds, i.checkpoint, i.parked, i.head, i.rebuildProgress, i.rebuildRate],
    async (record) => {
      const now = Date.now();
      for (const { status, pendingSince, rebuild } of await sample()) {
        const base = {
          'ordo.projection': status.name,
          'ordo.projection.version': status.version,
          'ordo.projection.role': status.role,
        };
        record(i.head.name, status.headPosition, base);
        for (const partition of status.partitions) {
          const labels = { ...base, 'ordo.partition': partition.partition };
          const since = pendingSince[partition.partition];
          record(i.lag.name, partition.lag, labels);
          record(
            i.lagSeconds.name,
            partition.lag > 0 && since !== undefined ? Math.max(0, (now - since) / 1000) : 0,
            labels,
          );
          record(i.checkpoint.name, partition.checkpoint, labels);
          record(i.parked.name, partition.parked, labels);
        }
        if (rebuild !== undefined) {
          record(i.rebuildProgress.name, rebuild.total === 0 ? 1 : rebuild.done / rebuild.total, base);
          record(i.rebuildRate.name, rebuild.rate, base);
        }
      }
    },
  );
}
