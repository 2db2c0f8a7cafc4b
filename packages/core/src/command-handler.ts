import { type AnyAggregate, type CommandInputOf, type StateOf, toEventList } from './aggregate.js';
import { type LoadOptions, loadAggregate } from './aggregate-loader.js';
import { noteCommandConflict, traceCommandStep, traceMetadata, withCommandTelemetry } from './command-telemetry.js';
import { deterministicUuid } from './deterministic-id.js';
import { assertEntityId } from './entity-id.js';
import { ConcurrencyError } from './errors.js';
import type { EventMetadata, RecordedEvent } from './event.js';
import type { AppendResult, EventStore } from './event-store.js';
import { assertExpectedVersion, type ExpectedVersion } from './expected-version.js';
import { type BackoffOptions, backoffDelay, sleep } from './retry.js';
import type { SnapshotPolicy } from './snapshot-policy.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { StateCache } from './state-cache.js';
import { timeOrderedUuid } from './time-ordered-uuid.js';

export interface ConflictRetryOptions extends BackoffOptions {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
}

export interface CommandHandlerOptions<State> {
  readonly store: EventStore;
  readonly snapshots?: { readonly store: SnapshotStore; readonly policy: SnapshotPolicy<State> };
  readonly retry?: Partial<ConflictRetryOptions>;
  /** Keeps recent states in memory so a load reads only the events after them (`createStateCache`). */
  readonly cache?: StateCache;
  /** Snapshot failures never fail a command; this is where they are reported. */
  readonly onSnapshotError?: (error: unknown, streamId: string) => void;
}

export interface CommandOptions {
  /** Skips conflict retries: a mismatch is returned to the caller (HTTP `If-Match`). */
  readonly expectedVersion?: ExpectedVersion;
  /** Makes the command idempotent on its stream: a repeat returns the first result. */
  readonly commandId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface CommandResult<State> {
  readonly streamId: string;
  /** The stream's version after the command; use it as the next `expectedVersion` / ETag. */
  readonly streamVersion: number;
  /** Global position of the last event written (0 if none): the read-your-writes token. */
  readonly position: number;
  readonly events: readonly RecordedEvent[];
  readonly state: State;
  /** True when `commandId` had already been handled and nothing was decided again. */
  readonly deduplicated: boolean;
}

export interface CommandHandler<A extends AnyAggregate> {
  readonly aggregate: A;
  /** Validates, loads, decides and appends, retrying on conflicts with backoff. */
  handle(id: string, command: CommandInputOf<A>, options?: CommandOptions): Promise<CommandResult<StateOf<A>>>;
  /** The aggregate's current state, or its state as of a version or instant. */
  load(id: string, options?: Omit<LoadOptions, 'commandId'>): Promise<{ state: StateOf<A>; streamVersion: number }>;
  /** Resolves once background snapshot writes have settled. */
  flush(): Promise<void>;
}

const defaultRetry: ConflictRetryOptions = { maxAttempts: 8, initialDelayMs: 2, maxDelayMs: 250 };

/**
 * Runs commands against an aggregate: load (snapshot + later events), decide, append with the
 * loaded version as expected version, retry on conflict.
 *
 * @example
 * const accounts = createCommandHandler(account, { store, snapshots: { store: snapshotStore, policy: snapshotEvery(100) } });
 * const { streamVersion, position } = await accounts.handle('42', { type: 'Deposit', data: { amount: 500 } });
 */
export function createCommandHandler<A extends AnyAggregate>(
  aggregate: A,
  options: CommandHandlerOptions<StateOf<A>>,
): CommandHandler<A> {
  const retry = { ...defaultRetry, ...options.retry };
  const sources = {
    store: options.store,
    snapshots: options.snapshots?.store,
    cache: options.cache,
    onSnapshotError: options.onSnapshotError,
  };
  const pendingSnapshots = new Set<Promise<void>>();

  function saveSnapshotInBackground(streamId: string, streamVersion: number, state: StateOf<A>): void {
    const snapshots = options.snapshots;
    if (snapshots === undefined) return;
    const snapshot = { streamId, streamVersion, stateVersion: aggregate.stateVersion, state: structuredClone(state) };
    const saving = snapshots.store
      .save(snapshot)
      .catch((error: unknown) => options.onSnapshotError?.(error, streamId))
      .finally(() => pendingSnapshots.delete(saving));
    pendingSnapshots.add(saving);
  }

  async function earlierResult(
    streamId: string,
    commandId: string,
    events: readonly RecordedEvent[],
    state: StateOf<A>,
  ) {
    const earlier = events.length > 0 ? events : await options.store.findCommand(streamId, commandId);
    const last = earlier.at(-1);
    if (last === undefined) return undefined;
    return {
      streamId,
      streamVersion: last.streamVersion,
      position: last.position,
      events: earlier,
      state,
      deduplicated: true,
    };
  }

  return withCommandTelemetry({
    aggregate,

    async handle(id, command, commandOptions = {}) {
      assertEntityId(id);
      const parsed = traceCommandStep('validate', () => aggregate.parseCommand(command));
      const streamId = aggregate.streamId(id);
      const { commandId, expectedVersion } = commandOptions;
      // Time-ordered, so stores that index generated ids append at the index's right edge.
      const eventCommandId = commandId ?? timeOrderedUuid();
      const metadata: EventMetadata = {
        ...traceMetadata(),
        ...commandOptions.metadata,
        commandId: eventCommandId,
        correlationId: commandOptions.correlationId ?? eventCommandId,
        causationId: commandOptions.causationId ?? eventCommandId,
      };

      // With a state cache the first try decides on the cached state and lets the append's expected
      // version catch a cache behind another writer (as Axon's caching repository does): no read.
      let trustCache = expectedVersion === undefined;
      for (let attempt = 1; ; ) {
        const loaded = await traceCommandStep('load', () =>
          loadAggregate(aggregate, streamId, sources, {
            ...(commandId === undefined ? {} : { commandId }),
            trustCache,
          }),
        );
        if (commandId !== undefined && (loaded.commandEvents.length > 0 || loaded.snapshotVersion > 0)) {
          const earlier = await earlierResult(streamId, commandId, loaded.commandEvents, loaded.state);
          if (earlier !== undefined) return earlier;
        }
        if (expectedVersion !== undefined) assertExpectedVersion(streamId, expectedVersion, loaded.streamVersion);

        let decision: ReturnType<typeof aggregate.decide>;
        try {
          decision = traceCommandStep('decide', () => aggregate.decide(parsed, loaded.state));
        } catch (error) {
          if (!loaded.unverified) throw error;
          trustCache = false; // a rejection must come from the latest state, not a cache that may be behind
          continue;
        }
        const decided = toEventList(decision);
        if (decided.length === 0 && loaded.unverified) {
          trustCache = false; // nothing to append, so nothing would catch a stale cache: read to be sure
          continue;
        }
        if (decided.length === 0) {
          return {
            streamId,
            streamVersion: loaded.streamVersion,
            position: 0,
            events: [],
            state: loaded.state,
            deduplicated: false,
          };
        }
        const newEvents = decided.map((event, index) =>
          aggregate.codec.encode({
            id: commandId === undefined ? timeOrderedUuid() : deterministicUuid(streamId, commandId, String(index)),
            type: event.type,
            data: event.data,
            metadata,
          }),
        );

        let appended: AppendResult;
        try {
          appended = await traceCommandStep('append', () =>
            options.store.appendToStream(streamId, newEvents, {
              expectedVersion: expectedVersion ?? (loaded.streamVersion === 0 ? 'no_stream' : loaded.streamVersion),
            }),
          );
        } catch (error) {
          if (error instanceof ConcurrencyError && loaded.unverified) {
            noteCommandConflict(aggregate.name, 'stale-cache', error, attempt);
            trustCache = false; // the cache was behind: not contention, so no backoff and no attempt spent
            continue;
          }
          const retryable =
            error instanceof ConcurrencyError && expectedVersion === undefined && attempt < retry.maxAttempts;
          if (!retryable) throw error;
          noteCommandConflict(aggregate.name, 'retry', error, attempt);
          await sleep(backoffDelay(attempt - 1, retry));
          attempt += 1;
          continue;
        }

        let state = loaded.state;
        for (const event of appended.events) state = aggregate.evolve(state, event as never);
        const wantsSnapshot =
          options.snapshots?.policy({
            streamVersion: appended.streamVersion,
            snapshotVersion: loaded.snapshotVersion,
            state,
          }) ?? false;
        if (wantsSnapshot || loaded.staleSnapshot) saveSnapshotInBackground(streamId, appended.streamVersion, state);
        options.cache?.set({
          streamId,
          streamVersion: appended.streamVersion,
          stateVersion: aggregate.stateVersion,
          state,
        });
        // A racing copy of a keyed command finds its events stored by the winner: only the winner wrote.
        const { streamVersion, position, events } = appended;
        return { streamId, streamVersion, position, events, state, deduplicated: appended.replayed === true };
      }
    },

    async load(id, loadOptions = {}) {
      assertEntityId(id);
      const { state, streamVersion } = await loadAggregate(aggregate, aggregate.streamId(id), sources, loadOptions);
      return { state, streamVersion };
    },

    async flush() {
      while (pendingSnapshots.size > 0) await Promise.all(pendingSnapshots);
    },
  });
}
