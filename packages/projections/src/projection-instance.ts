import { AppendSignal } from '@ordo/core';
import type { DeadLetter, DeadLetterStore } from './dead-letter-store.js';
import type { PartitionedEventSource, PartitionedFeed } from './event-source.js';
import type { FailurePolicy, RetryOptions } from './failure-policy.js';
import { PartitionWorker } from './partition-worker.js';
import { createPartitioner } from './partitioner.js';
import type { AnyProjection } from './projection.js';
import type { ProjectionStatus, RebuildProgress, WaitForOptions, WaitForResult } from './projection-status.js';
import { defaultRebuildTraceEvery, traceBatch } from './projection-telemetry.js';
import type { ReadStore } from './read-store.js';

export interface ProjectionInstanceOptions {
  readonly projection: AnyProjection;
  readonly collection: string;
  readonly role: 'serving' | 'rebuilding';
  readonly source: PartitionedEventSource;
  readonly store: ReadStore;
  readonly deadLetters: DeadLetterStore;
  readonly policy: FailurePolicy;
  readonly retry: RetryOptions;
  readonly batchSize: number;
  /** Where a fresh collection starts (rebuild from a position); ignored once checkpoints exist. */
  readonly fromPosition?: number;
  readonly onProgress?: ((progress: RebuildProgress) => void) | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
  /** A rebuild traces one batch in this many per partition (default 100). */
  readonly rebuildTraceEvery?: number | undefined;
}

/** One projection version writing one collection: a feed from the source and a worker per partition. */
export class ProjectionInstance {
  role: 'serving' | 'rebuilding';
  state: ProjectionStatus['state'] = 'starting';
  workers: PartitionWorker[] = [];
  readonly advanced = new AppendSignal();
  readonly #options: ProjectionInstanceOptions;
  readonly #partitionOf: (key: string) => number;
  #stop = new AbortController();
  #feed: PartitionedFeed | undefined;
  #running: Promise<void> | undefined;
  #progress = { start: 0, total: 0, startedAt: 0, lastReport: 0 };

  constructor(options: ProjectionInstanceOptions) {
    this.#options = options;
    this.role = options.role;
    this.#partitionOf = createPartitioner(options.projection.partitions);
  }

  get projection(): AnyProjection {
    return this.#options.projection;
  }
  get collection(): string {
    return this.#options.collection;
  }

  partitionOfKey(key: string): number {
    return this.#partitionOf(key);
  }

  async init(): Promise<void> {
    const { store, collection, projection, deadLetters } = this.#options;
    await store.ensureCollection(collection, { indexes: projection.indexes });
    const checkpoints = await store.checkpoints.load(collection);
    const parked = await deadLetters.list(collection);
    const from = checkpoints.size === 0 ? (this.#options.fromPosition ?? 0) : 0;
    this.#stop = new AbortController();
    this.workers = Array.from(
      { length: projection.partitions },
      (_, partition) =>
        new PartitionWorker({
          projection,
          collection,
          partition,
          store,
          deadLetters,
          policy: this.#options.policy,
          retry: this.#options.retry,
          signal: this.#stop.signal,
          checkpoint: checkpoints.get(partition) ?? from,
          parked: parked.filter((entry: DeadLetter) => entry.partition === partition),
          idleCommitDistance: this.#options.batchSize,
          onAdvance: () => this.#onAdvance(),
        }),
    );
  }

  /** Runs until stopped (`follow`) or until every partition has passed `to`. */
  run(follow: boolean, to: number): Promise<void> {
    const { source, projection, batchSize } = this.#options;
    const after = this.workers.map((worker) => worker.checkpoint);
    this.#progress = {
      start: Math.min(...after),
      total: Math.max(0, to - Math.min(...after)),
      startedAt: performance.now(),
      lastReport: 0,
    };
    const feed = source.open({
      collection: this.collection,
      partitions: projection.partitions,
      partitionOf: (event) => this.#partitionOf(projection.partitionKey(event)),
      after,
      eventTypes: projection.eventTypes,
      maxBatchSize: batchSize,
      follow,
      ...(follow ? {} : { to }),
    });
    this.#feed = feed;
    this.state = 'running';
    const traceEvery = this.#options.rebuildTraceEvery ?? defaultRebuildTraceEvery;
    const loops = this.workers.map(async (worker, partition) => {
      const trace = { ...this.#traceInfo(), partition };
      let sequence = 0;
      try {
        for await (const batch of feed.batches(partition)) {
          if (this.#stop.signal.aborted) break;
          const traced = { ...trace, role: this.role };
          await worker.serial(() => traceBatch(traced, batch, sequence++, traceEvery, () => worker.process(batch)));
          if (batch.events.length > 0) await feed.committed?.(partition, worker.checkpoint);
        }
        if (worker.state !== 'halted') worker.state = this.#stop.signal.aborted ? 'stopped' : 'caught-up';
      } catch (error) {
        worker.halt(error);
        this.#options.onError?.(error);
      }
    });
    this.#running = Promise.all(loops).then(() => {
      this.state = this.workers.some((worker) => worker.state === 'halted')
        ? 'halted'
        : this.#stop.signal.aborted
          ? 'stopped'
          : 'caught-up';
      this.#report(true);
      this.advanced.notify();
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    // Writes in flight finish before the feed closes: a Kafka member must not leave its group (and
    // hand the partition to another) while it is still writing that partition's batch.
    await Promise.all(this.workers.map((worker) => worker.settled()));
    await this.#feed?.close();
    await this.#running;
    this.state = 'stopped';
    this.advanced.notify();
  }

  status(headPosition: number): ProjectionStatus {
    const partitions = this.workers.map((worker, partition) => {
      const lag = Math.max(0, headPosition - worker.reached);
      const state = worker.state === 'running' && lag === 0 ? 'caught-up' : worker.state;
      return {
        partition,
        checkpoint: worker.checkpoint,
        reached: worker.reached,
        lag,
        parked: worker.parked,
        state,
        ...(worker.error === undefined ? {} : { error: worker.error }),
      };
    });
    const lag = Math.max(0, ...partitions.map((partition) => partition.lag));
    const halted = partitions.some((partition) => partition.state === 'halted');
    const state = halted ? 'halted' : this.state === 'running' && lag === 0 ? 'caught-up' : this.state;
    return {
      name: this.projection.name,
      version: this.projection.version,
      collection: this.collection,
      role: this.role,
      state,
      headPosition,
      lag,
      parked: partitions.reduce((total, partition) => total + partition.parked, 0),
      partitions,
    };
  }

  /** Lowest position every partition has passed. */
  get reached(): number {
    return Math.min(...this.workers.map((worker) => worker.reached));
  }

  async waitFor(position: number, options: WaitForOptions = {}): Promise<WaitForResult> {
    const partitions =
      options.partitionKey === undefined
        ? this.workers
        : [this.workers[this.#partitionOf(options.partitionKey)] as PartitionWorker];
    const reached = () => partitions.every((worker) => worker.reached >= position);
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 5_000);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
    while (!reached() && !signal.aborted) await this.advanced.changedSince(this.advanced.version, signal);
    if (reached()) return { status: 'reached', position };
    return {
      status: 'timeout',
      position,
      lag: partitions.map((worker) => ({
        partition: this.workers.indexOf(worker),
        reached: worker.reached,
        lag: Math.max(0, position - worker.reached),
      })),
    };
  }

  #traceInfo() {
    const { name, version } = this.projection;
    return { projection: name, version, collection: this.collection };
  }

  /** Done out of total since `run` began, and the rate: what rebuild progress reports. */
  progress(): { done: number; total: number; rate: number } {
    const { start, total, startedAt } = this.#progress;
    const average =
      this.workers.length === 0
        ? start
        : this.workers.reduce((sum, worker) => sum + worker.reached, 0) / this.workers.length;
    const done = Math.min(total, Math.max(0, Math.round(average - start)));
    const seconds = (performance.now() - startedAt) / 1000;
    return { done, total, rate: seconds > 0 ? done / seconds : 0 };
  }

  #onAdvance(): void {
    this.advanced.notify();
    this.#report(false);
  }

  #report(final: boolean): void {
    const onProgress = this.#options.onProgress;
    if (onProgress === undefined || this.workers.length === 0) return;
    const now = performance.now();
    if (!final && now - this.#progress.lastReport < 250) return;
    this.#progress.lastReport = now;
    const { done, total, rate } = this.progress();
    onProgress({
      name: this.projection.name,
      version: this.projection.version,
      collection: this.collection,
      done,
      total,
      rate,
      etaMs: rate > 0 ? ((total - done) / rate) * 1000 : undefined,
    });
  }
}
