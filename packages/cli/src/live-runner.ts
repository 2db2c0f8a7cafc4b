import {
  type AnyProjection,
  createProjectionRunner,
  type PartitionedEventSource,
  type ProjectionRunner,
} from '@ordo/projections';
import type { OrdoConfig } from './config.js';

// A source with no events: the runner loads checkpoints and parked events but applies nothing new.
const noEvents = (head: () => Promise<number>): PartitionedEventSource => ({
  headPosition: head,
  open: () => ({
    batches: () => ({ async *[Symbol.asyncIterator]() {} }),
    close: async () => {},
  }),
});

/**
 * A runner bound to the live collection only to operate its parked events (`retryParked`,
 * `skipParked`): it follows no events, so it never competes with the server's runner for them.
 */
export async function openParkedRunner(
  config: OrdoConfig,
  projection: AnyProjection,
  collection: string,
): Promise<ProjectionRunner> {
  const runner = createProjectionRunner({
    source: noEvents(() => config.store.headPosition()),
    store: config.readStore,
    deadLetters: config.deadLetters,
    // Registered under the live collection's name, so the runner serves it and starts no rebuild.
    projections: [{ ...projection, collection }],
  });
  await runner.catchUp();
  return runner;
}
