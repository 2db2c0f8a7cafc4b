import type { AnyProjection, ProjectionRunner, ReadStore, WaitForResult } from '@ordo/projections';

// Narrow views of @ordo/projections' ports: only what the HTTP layer calls, so a process that
// serves queries without running projections (a Kafka topology) can pass a read store alone.

/** What the query routes need of a projection definition: its alias, indexed fields and document schema. */
export type QueryableProjection = Pick<AnyProjection, 'name' | 'indexes' | 'document'>;

/** The query side of the read-store port. */
export type DocumentReader = Pick<ReadStore, 'get' | 'find'>;

/** Read-your-writes: resolves once the projection has passed `position`, or times out with its lag. */
export interface ProjectionProgress {
  waitFor(
    projection: string,
    position: number,
    options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
  ): Promise<WaitForResult>;
}

/** Operations on running projections: status and lag per partition, parked events and their retry. */
export type ProjectionOperator = Pick<ProjectionRunner, 'statusAll' | 'listParked' | 'retryParked' | 'skipParked'> &
  Partial<Pick<ProjectionRunner, 'rebuild'>>;
