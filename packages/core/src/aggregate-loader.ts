import type { AnyAggregate, StateOf } from './aggregate.js';
import type { RecordedEvent } from './event.js';
import type { EventStore } from './event-store.js';
import { forEachItem } from './paged-async-iterable.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { StateCache } from './state-cache.js';

export interface LoadSources {
  readonly store: EventStore;
  readonly snapshots?: SnapshotStore | undefined;
  /** Consulted before the snapshot store; never used for temporal loads. */
  readonly cache?: StateCache | undefined;
  readonly onSnapshotError?: ((error: unknown, streamId: string) => void) | undefined;
}

export interface LoadOptions {
  /** Temporal load: the state as of this stream version. */
  readonly atVersion?: number;
  /** Temporal load: the state as of this instant (events with a later timestamp are left out). */
  readonly asOf?: Date | string;
  /** Collects the events this command id already wrote among those read (for deduplication). */
  readonly commandId?: string;
  /**
   * On a state-cache hit, skip reading newer events. Only for a writer that then appends expecting
   * exactly the returned version, so a cache behind another writer surfaces as a ConcurrencyError.
   */
  readonly trustCache?: boolean;
}

export interface LoadedAggregate<State> {
  readonly state: State;
  readonly streamVersion: number;
  /** Version the state was restored from (state cache or snapshot), 0 when folded from the start. */
  readonly snapshotVersion: number;
  /** A snapshot existed but was written for another `stateVersion`. */
  readonly staleSnapshot: boolean;
  /** The state came from the cache and the store was not read (`trustCache`): it may be behind. */
  readonly unverified: boolean;
  readonly commandEvents: readonly RecordedEvent[];
}

/**
 * Rebuilds an aggregate's state: the latest usable snapshot, then only the events after it,
 * each upcast and validated by the aggregate's codec.
 */
export async function loadAggregate<A extends AnyAggregate>(
  aggregate: A,
  streamId: string,
  sources: LoadSources,
  options: LoadOptions = {},
): Promise<LoadedAggregate<StateOf<A>>> {
  const asOf = options.asOf === undefined ? undefined : new Date(options.asOf).toISOString();
  let state: StateOf<A> = aggregate.initialState();
  let streamVersion = 0;
  let snapshotVersion = 0;
  let staleSnapshot = false;

  const cached = asOf === undefined && options.atVersion === undefined ? sources.cache?.get(streamId) : undefined;
  if (cached !== undefined && cached.stateVersion === aggregate.stateVersion) {
    state = cached.state as StateOf<A>;
    streamVersion = cached.streamVersion;
    snapshotVersion = cached.streamVersion;
    if (options.trustCache === true) {
      return { state, streamVersion, snapshotVersion, staleSnapshot, unverified: true, commandEvents: [] };
    }
  } else if (sources.snapshots !== undefined && asOf === undefined) {
    const snapshot = await sources.snapshots.load(streamId).catch((error: unknown) => {
      sources.onSnapshotError?.(error, streamId);
      return undefined;
    });
    if (snapshot !== undefined && snapshot.stateVersion !== aggregate.stateVersion) {
      staleSnapshot = true;
    } else if (snapshot !== undefined && snapshot.streamVersion <= (options.atVersion ?? Number.POSITIVE_INFINITY)) {
      state = snapshot.state as StateOf<A>;
      streamVersion = snapshot.streamVersion;
      snapshotVersion = snapshot.streamVersion;
    }
  }

  const commandEvents: RecordedEvent[] = [];
  const range =
    options.atVersion === undefined ? { from: streamVersion + 1 } : { from: streamVersion + 1, to: options.atVersion };
  const { codec, evolve } = aggregate;
  const { commandId } = options;
  await forEachItem(sources.store.readStream(streamId, range), (stored) => {
    if (asOf !== undefined && stored.timestamp > asOf) return false;
    const event = codec.decode(stored);
    state = evolve(state, event);
    streamVersion = stored.streamVersion;
    if (commandId !== undefined && stored.metadata.commandId === commandId) commandEvents.push(event);
    return true;
  });
  return { state, streamVersion, snapshotVersion, staleSnapshot, unverified: false, commandEvents };
}
