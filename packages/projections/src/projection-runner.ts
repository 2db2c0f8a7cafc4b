import type { DeadLetter, DeadLetterQuery, DeadLetterStore } from './dead-letter-store.js';
import { UnknownProjectionError } from './errors.js';
import type { PartitionedEventSource } from './event-source.js';
import { defaultRetryOptions, type FailurePolicy, type RetryOptions } from './failure-policy.js';
import { createInMemoryDeadLetterStore } from './in-memory-dead-letter-store.js';
import type { AnyProjection } from './projection.js';
import { ProjectionInstance } from './projection-instance.js';
import type { ProjectionStatus, RebuildProgress, WaitForOptions, WaitForResult } from './projection-status.js';
import { observeProjections } from './projection-telemetry.js';
import type { ReadStore } from './read-store.js';

export interface ProjectionRunnerOptions {
  readonly source: PartitionedEventSource;
  /**
   * Where rebuilds and `catchUp` read (the event store, via `createStoreEventSource`), when `source`
   * cannot replay from position 0 (Kafka). A rebuilt version hands over to `source` before it serves.
   */
  readonly rebuildSource?: PartitionedEventSource;
  readonly store: ReadStore;
  /** Defaults to an in-memory dead-letter store. */
  readonly deadLetters?: DeadLetterStore;
  /** Several versions of one name may be registered: the alias's version serves while the newest rebuilds. */
  readonly projections: readonly AnyProjection[];
  /** Most events one partition commits at once. Defaults to 2,000. */
  readonly batchSize?: number;
  readonly retry?: Partial<RetryOptions>;
  readonly failurePolicy?: FailurePolicy;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** A partition halted or a source failed. */
  readonly onError?: (error: unknown) => void;
  /** With telemetry on, a rebuild or replay traces one batch in this many per partition. Defaults to 100. */
  readonly rebuildTraceEvery?: number;
}

export interface RebuildOptions {
  /** Build from events after this position instead of from the start. */
  readonly fromPosition?: number;
}

/** Runs projections over a partitioned source; the surface HTTP handlers and a CLI use. */
export interface ProjectionRunner {
  /** The projection names this runner serves (each once, whatever the versions registered). */
  names(): readonly string[];
  /** Resolves aliases, starts rebuilds where a version was bumped, then follows live appends. */
  start(): Promise<void>;
  /** Processes everything up to the current head, completes pending rebuilds (alias switch), and returns. */
  catchUp(): Promise<void>;
  stop(): Promise<void>;
  /** The serving version's status. */
  status(name: string): Promise<ProjectionStatus>;
  /** Every running version, serving and rebuilding. */
  statusAll(): Promise<readonly ProjectionStatus[]>;
  /** Resolves once the serving version has passed `position` (read-your-writes), or times out. */
  waitFor(name: string, position: number, options?: WaitForOptions): Promise<WaitForResult>;
  /** Builds the serving version again into a fresh collection beside the live one, then switches. */
  rebuild(name: string, options?: RebuildOptions): Promise<void>;
  listParked(name: string, query?: DeadLetterQuery): Promise<readonly DeadLetter[]>;
  /** Re-applies parked events in order; `partitionKey` limits it to one key. */
  retryParked(name: string, options?: { partitionKey?: string }): Promise<{ applied: number; stillParked: number }>;
  /** Drops one parked event without applying it. */
  skipParked(name: string, position: number): Promise<void>;
}

interface Slot {
  serving: ProjectionInstance | undefined;
  rebuilding: ProjectionInstance | undefined;
  /** Collection the alias points to when no registered version serves it (kept until the switch). */
  staleCollection: string | undefined;
}

/**
 * Creates a runner: per projection, partitions run in parallel, each strictly in order, and each
 * batch's writes commit with its checkpoint. Bumping a version rebuilds `name_vN` beside the live
 * collection and switches the alias once it has caught up.
 *
 * @example
 * const runner = createProjectionRunner({ source: createStoreEventSource(events), store, projections: [balances] });
 * await runner.start();
 * const { position } = await handler.handle('account-1', command);
 * await runner.waitFor('balances', position, { timeoutMs: 2_000 });
 */
export function createProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  const deadLetters = options.deadLetters ?? createInMemoryDeadLetterStore();
  const retry = { ...defaultRetryOptions, ...options.retry };
  const batchSize = options.batchSize ?? 2_000;
  const slots = new Map<string, Slot>();
  let follow = true;
  let started = false;
  let rebuildCounter = 0;
  let stopObserving: (() => void) | undefined;

  const byName = new Map<string, AnyProjection[]>();
  for (const projection of options.projections) {
    byName.set(projection.name, [...(byName.get(projection.name) ?? []), projection]);
  }

  const replaySource = options.rebuildSource ?? options.source;
  const instance = (projection: AnyProjection, collection: string, role: 'serving' | 'rebuilding', from?: number) =>
    new ProjectionInstance({
      projection,
      collection,
      role,
      source: role === 'rebuilding' || !follow ? replaySource : options.source,
      store: options.store,
      deadLetters,
      policy: options.failurePolicy ?? 'park-key',
      retry,
      batchSize,
      onProgress: options.onProgress,
      onError: options.onError,
      rebuildTraceEvery: options.rebuildTraceEvery,
      ...(from === undefined ? {} : { fromPosition: from }),
    });

  async function prepare(name: string, versions: readonly AnyProjection[]): Promise<Slot> {
    const newest = versions.reduce((a, b) => (b.version > a.version ? b : a));
    const alias = await options.store.resolveAlias(name);
    if (alias === undefined) {
      const serving = instance(newest, newest.collection, 'serving');
      await serving.init();
      await options.store.switchAlias(name, newest.collection);
      return { serving, rebuilding: undefined, staleCollection: undefined };
    }
    const aliasVersion = versions.find((v) => alias === v.collection || alias.startsWith(`${v.collection}_r`));
    if (aliasVersion === newest) {
      const serving = instance(newest, alias, 'serving');
      await serving.init();
      return { serving, rebuilding: undefined, staleCollection: undefined };
    }
    const serving = aliasVersion === undefined ? undefined : instance(aliasVersion, alias, 'serving');
    await serving?.init();
    const rebuilding = instance(newest, newest.collection, 'rebuilding');
    await rebuilding.init();
    return { serving, rebuilding, staleCollection: serving === undefined ? alias : undefined };
  }

  async function switchOver(name: string, slot: Slot): Promise<void> {
    let next = slot.rebuilding;
    if (next === undefined) return;
    if (follow && replaySource !== options.source) {
      // Hand the caught-up collection over to the live source, from the checkpoints it committed.
      await next.stop();
      next = instance(next.projection, next.collection, 'serving');
      await next.init();
      void next.run(true, await options.source.headPosition());
    }
    await options.store.switchAlias(name, next.collection);
    const old = slot.serving;
    const oldCollection = old?.collection ?? slot.staleCollection;
    slot.serving = next;
    slot.rebuilding = undefined;
    slot.staleCollection = undefined;
    next.role = 'serving';
    next.advanced.notify();
    if (old !== undefined) await old.stop();
    if (oldCollection !== undefined && oldCollection !== next.collection) {
      await options.store.dropCollection(oldCollection);
      await deadLetters.clear(oldCollection);
    }
  }

  /** Live: a rebuild switches once every partition has reached a fresh head. */
  function watchRebuild(name: string, slot: Slot, rebuilding: ProjectionInstance): void {
    let checking = false;
    let knownHead = 0;
    const check = async () => {
      if (checking || slot.rebuilding !== rebuilding) return;
      if (rebuilding.reached < knownHead) return waitNext();
      checking = true;
      try {
        knownHead = await replaySource.headPosition();
        if (rebuilding.reached >= knownHead && rebuilding.state !== 'halted') return await switchOver(name, slot);
      } catch (error) {
        options.onError?.(error);
      } finally {
        checking = false;
      }
      waitNext();
    };
    const waitNext = () => {
      if (slot.rebuilding !== rebuilding || rebuilding.state === 'stopped') return;
      void rebuilding.advanced.changedSince(rebuilding.advanced.version).then(check);
    };
    void check();
  }

  function launch(name: string, slot: Slot, to: number): Promise<void>[] {
    const runs: Promise<void>[] = [];
    if (slot.serving !== undefined) runs.push(slot.serving.run(follow, to));
    if (slot.rebuilding !== undefined) {
      runs.push(slot.rebuilding.run(follow, to));
      if (follow) watchRebuild(name, slot, slot.rebuilding);
    }
    return runs;
  }

  function slotOf(name: string): Slot {
    const slot = slots.get(name);
    if (slot === undefined) throw new UnknownProjectionError(name);
    return slot;
  }
  function servingOf(name: string): ProjectionInstance {
    const slot = slotOf(name);
    const serving = slot.serving ?? slot.rebuilding;
    if (serving === undefined) throw new UnknownProjectionError(name);
    return serving;
  }
  const running = (slot: Slot) =>
    [slot.serving, slot.rebuilding].filter((i): i is ProjectionInstance => i !== undefined);

  async function prepareAll(): Promise<void> {
    for (const [name, versions] of byName) slots.set(name, await prepare(name, versions));
  }

  return {
    names: () => [...byName.keys()],

    async start() {
      if (started) return;
      started = true;
      follow = true;
      await prepareAll();
      const head = await options.source.headPosition();
      for (const [name, slot] of slots) launch(name, slot, head);
      stopObserving = observeProjections(async () => {
        const at = await options.source.headPosition();
        return [...slots.values()].flatMap((slot) =>
          running(slot).map((i) => ({
            status: i.status(at),
            pendingSince: i.workers.map((worker) => worker.pendingSince),
            ...(i.role === 'rebuilding' ? { rebuild: i.progress() } : {}),
          })),
        );
      });
    },

    async catchUp() {
      follow = false;
      await prepareAll();
      const head = await options.source.headPosition();
      await Promise.all([...slots].flatMap(([name, slot]) => launch(name, slot, head)));
      for (const [name, slot] of slots) {
        if (slot.rebuilding !== undefined && slot.rebuilding.state === 'caught-up') await switchOver(name, slot);
      }
    },

    async stop() {
      stopObserving?.();
      stopObserving = undefined;
      await Promise.all([...slots.values()].flatMap((slot) => running(slot).map((i) => i.stop())));
      started = false;
    },

    async status(name) {
      return servingOf(name).status(await options.source.headPosition());
    },

    async statusAll() {
      const head = await options.source.headPosition();
      return [...slots.values()].flatMap((slot) => running(slot).map((i) => i.status(head)));
    },

    waitFor(name, position, waitOptions) {
      return servingOf(name).waitFor(position, waitOptions);
    },

    async rebuild(name, rebuildOptions = {}) {
      const slot = slotOf(name);
      const serving = servingOf(name);
      if (slot.rebuilding !== undefined) await slot.rebuilding.stop();
      rebuildCounter += 1;
      const collection = `${serving.projection.collection}_r${Date.now().toString(36)}${rebuildCounter}`;
      const next = instance(serving.projection, collection, 'rebuilding', rebuildOptions.fromPosition ?? 0);
      await next.init();
      slot.rebuilding = next;
      const head = await options.source.headPosition();
      if (follow && started) {
        void next.run(true, head);
        watchRebuild(name, slot, next);
        return;
      }
      await next.run(false, head);
      if (next.state === 'caught-up') await switchOver(name, slot);
    },

    listParked(name, query) {
      return deadLetters.list(servingOf(name).collection, query);
    },

    async retryParked(name, retryOptions = {}) {
      const serving = servingOf(name);
      let applied = 0;
      let stillParked = 0;
      for (const worker of serving.workers) {
        const result = await worker.serial(() => worker.retryParked(retryOptions.partitionKey));
        applied += result.applied;
        stillParked += result.stillParked;
      }
      serving.advanced.notify();
      return { applied, stillParked };
    },

    async skipParked(name, position) {
      const serving = servingOf(name);
      const [entry] = await deadLetters.list(serving.collection, { after: position - 1, limit: 1 });
      if (entry === undefined || entry.position !== position) return;
      const worker = serving.workers[entry.partition];
      await worker?.serial(() => worker.skipParked(entry));
    },
  };
}
