import { DuplicateProjectionError, UnknownProjectionError } from './errors.js';
import type { ProjectionRunner } from './projection-runner.js';

/**
 * Presents several runners as one: each per-name call goes to the runner that serves the name,
 * `start`, `catchUp`, `stop` and `statusAll` go to all of them. For a topology with more than one
 * feed, e.g. stream-keyed projections on a Kafka source and the rest on the event store, behind one
 * HTTP app. Two runners serving one name are refused at once (`DuplicateProjectionError`).
 *
 * @example
 * const runner = combineProjectionRunners(
 *   createProjectionRunner({ source: kafkaSource, rebuildSource: storeSource, store, projections: keyedByStream }),
 *   createProjectionRunner({ source: storeSource, store, projections: [dailyTotals, transfers.projection] }),
 * );
 * await runner.start();
 * await runner.waitFor('daily_totals', position, { timeoutMs: 2_000 });
 */
export function combineProjectionRunners(...runners: readonly ProjectionRunner[]): ProjectionRunner {
  const owners = new Map<string, ProjectionRunner>();
  for (const runner of runners) {
    for (const name of runner.names()) {
      if (owners.has(name)) throw new DuplicateProjectionError(name);
      owners.set(name, runner);
    }
  }
  const ownerOf = (name: string): ProjectionRunner => {
    const owner = owners.get(name);
    if (owner === undefined) throw new UnknownProjectionError(name);
    return owner;
  };

  /** Runs `action` on every runner, and fails with the first error only once all have settled. */
  async function all(action: (runner: ProjectionRunner) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled(runners.map(action));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  return {
    names: () => [...owners.keys()],
    async start() {
      try {
        await all((runner) => runner.start());
      } catch (error) {
        // Half a topology must not keep running behind a failed start.
        await all((runner) => runner.stop()).catch(() => {});
        throw error;
      }
    },
    catchUp: () => all((runner) => runner.catchUp()),
    stop: () => all((runner) => runner.stop()),
    async statusAll() {
      return (await Promise.all(runners.map((runner) => runner.statusAll()))).flat();
    },
    status: async (name) => ownerOf(name).status(name),
    waitFor: async (name, position, options) => ownerOf(name).waitFor(name, position, options),
    rebuild: async (name, options) => ownerOf(name).rebuild(name, options),
    listParked: async (name, query) => ownerOf(name).listParked(name, query),
    retryParked: async (name, options) => ownerOf(name).retryParked(name, options),
    skipParked: async (name, position) => ownerOf(name).skipParked(name, position),
  };
}
