import { buildCollection } from './build-collection.js';
import { buildPrefix, newBuildName, resumableBuild } from './build-name.js';
import { CliError, type ExitCode, exitCodes } from './cli-error.js';
import { type CliIo, print } from './command.js';
import type { OrdoConfig } from './config.js';
import { acquireExclusiveAccess } from './exclusive-access.js';
import type { NamedProjection } from './find-projection.js';
import { createProgressReporter } from './progress-reporter.js';

export interface RebuildRequest {
  readonly fromPosition: number;
  readonly batchSize: number | undefined;
  /** Drops unfinished builds of this projection instead of resuming one. */
  readonly restart: boolean;
  readonly assumeOffline: boolean;
  readonly json: boolean;
}

/**
 * Blue/green rebuild: fill a new collection beside the live one (which keeps serving), then, with
 * the store to itself, catch up the last events, switch the alias atomically and drop the old one.
 */
export async function blueGreenRebuild(
  io: CliIo,
  config: OrdoConfig,
  named: NamedProjection,
  request: RebuildRequest,
): Promise<ExitCode> {
  const { readStore, deadLetters } = config;
  const { name, projection } = named;
  const live = await readStore.resolveAlias(name);
  const unfinished = (await readStore.listCollections()).filter(
    (collection) => collection.startsWith(buildPrefix(projection.collection)) && collection !== live,
  );
  if (request.restart) {
    for (const collection of unfinished) {
      await readStore.dropCollection(collection);
      await deadLetters.clear(collection);
    }
  }
  const resumable = request.restart ? undefined : resumableBuild(unfinished, request.fromPosition);
  const collection = resumable ?? newBuildName(projection.collection, request.fromPosition);
  const checkpoints = await readStore.checkpoints.load(collection);
  // Partitions without events commit rarely, so the furthest one says how far the build got.
  const resumedAt = checkpoints.size === 0 ? undefined : Math.max(...checkpoints.values());
  print(
    io.stderr,
    `${resumedAt === undefined ? 'Building' : `Resuming (committed up to position ${resumedAt})`} ${name} v${projection.version} into ${collection}, beside live ${live ?? '(none)'}`,
  );

  const reporter = createProgressReporter(io, name);
  const built = await buildCollection(config, {
    projection,
    collection,
    fromPosition: request.fromPosition,
    batchSize: request.batchSize,
    signal: io.signal,
    onProgress: (progress) => reporter.update(progress),
  });
  reporter.finish();
  if (built.interrupted) {
    print(
      io.stderr,
      `Interrupted: live ${live ?? '(none)'} untouched; ${collection} kept at position ${built.status.partitions.reduce((m, p) => Math.min(m, p.checkpoint), Number.POSITIVE_INFINITY)}. Run the same command again to resume.`,
    );
    return exitCodes.interrupted;
  }
  if (built.status.state === 'halted') {
    const reason = built.errors[0] instanceof Error ? built.errors[0].message : 'a partition halted';
    throw new CliError('BUILD_HALTED', `${collection} stopped: ${reason}; live ${live ?? '(none)'} untouched`);
  }

  let access: ReturnType<typeof acquireExclusiveAccess>;
  try {
    access = acquireExclusiveAccess(config, { assumeOffline: request.assumeOffline });
  } catch (error) {
    if (error instanceof CliError && error.code === 'STORE_IN_USE') {
      throw new CliError(
        error.code,
        `built ${collection} to position ${built.status.headPosition} but did not switch: ${error.message}. Live ${live ?? '(none)'} untouched. Stop that process and run this again (it resumes and switches), or rebuild inside the server (POST /projections/${name}/rebuild)`,
        error.exitCode,
      );
    }
    throw error;
  }
  try {
    // Nobody else can append now: catch up what was written during the build, then switch.
    const final = await buildCollection(config, {
      projection,
      collection,
      fromPosition: request.fromPosition,
      batchSize: request.batchSize,
      signal: new AbortController().signal,
    });
    if (final.status.state === 'halted')
      throw new CliError('BUILD_HALTED', `${collection} halted while catching up; live untouched`);
    if ((await readStore.resolveAlias(name)) !== live) {
      throw new CliError(
        'ALIAS_MOVED',
        `${name} was switched by someone else during the build; ${collection} kept, live untouched`,
      );
    }
    await readStore.switchAlias(name, collection);
    if (live !== undefined) {
      await readStore.dropCollection(live);
      await deadLetters.clear(live);
    }
    const summary = {
      projection: name,
      version: projection.version,
      collection,
      previous: live ?? null,
      position: final.status.headPosition,
      parked: final.status.parked,
      fromPosition: request.fromPosition,
    };
    if (request.json) print(io.stdout, JSON.stringify(summary));
    else {
      print(
        io.stdout,
        `Switched ${name} to ${collection} at position ${summary.position} (${summary.parked} parked)${live === undefined ? '' : `; dropped ${live}`}`,
      );
    }
    return exitCodes.ok;
  } finally {
    access.release();
  }
}
