import {
  type AnyProjection,
  createProjectionRunner,
  createStoreEventSource,
  type ProjectionStatus,
  type RebuildProgress,
} from '@ordo/projections';
import { buildOnlyDeadLetters, buildOnlyReadStore } from './build-only-stores.js';
import type { OrdoConfig } from './config.js';

export interface BuildOptions {
  readonly projection: AnyProjection;
  /** The collection to fill; an existing one resumes from its checkpoints. */
  readonly collection: string;
  /** A fresh collection starts after this position (replay). */
  readonly fromPosition: number;
  readonly batchSize: number | undefined;
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export interface BuildResult {
  readonly status: ProjectionStatus;
  readonly interrupted: boolean;
  readonly errors: readonly unknown[];
}

/**
 * Runs the projection into `collection` up to the current head with the projection runner, which
 * never sees the live collection: the projection is registered under the build collection's name
 * and the stores it gets cannot switch the alias, drop a collection or clear dead letters.
 */
export async function buildCollection(config: OrdoConfig, options: BuildOptions): Promise<BuildResult> {
  const { readStore } = config;
  const { collection, projection } = options;
  const fresh = (await readStore.checkpoints.load(collection)).size === 0;
  if (fresh && options.fromPosition > 0) {
    await readStore.ensureCollection(collection, { indexes: projection.indexes });
    for (let partition = 0; partition < projection.partitions; partition += 1) {
      await readStore.checkpoints.save(collection, partition, options.fromPosition);
    }
  }
  const errors: unknown[] = [];
  const runner = createProjectionRunner({
    source: createStoreEventSource(config.store),
    store: buildOnlyReadStore(readStore),
    deadLetters: buildOnlyDeadLetters(config.deadLetters),
    // A plain object: the same definition, writing the build collection.
    projections: [{ ...projection, collection }],
    onError: (error) => errors.push(error),
    ...(options.batchSize === undefined ? {} : { batchSize: Math.max(1, options.batchSize) }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const stop = () => void runner.stop();
  options.signal.addEventListener('abort', stop, { once: true });
  try {
    if (!options.signal.aborted) await runner.catchUp();
    // A signal that came while the runner was preparing reached no instance yet: stop it now.
    if (options.signal.aborted) await runner.stop();
  } finally {
    options.signal.removeEventListener('abort', stop);
  }
  const [status] = await runner.statusAll();
  if (status === undefined) throw new Error(`The runner reported no status for ${collection}`);
  return { status, interrupted: options.signal.aborted, errors };
}
