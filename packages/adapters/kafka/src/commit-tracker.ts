/** How waiting for the runner's commit of a partition ended. */
export type CommitOutcome = 'committed' | 'revoked';

interface Waiter {
  readonly partition: number;
  readonly position: number;
  readonly resolve: (outcome: CommitOutcome) => void;
}

/**
 * Bookkeeping of the Kafka source. A batch handed to the runner waits here until the runner
 * committed its read-model writes; a wait ends early only when nobody will write the partition
 * any more (the runner let go of it, or the feed closed). Every group (re)join starts a new
 * generation, and a batch delivered in an older one must not commit offsets.
 */
export class CommitTracker {
  readonly #committed = new Map<number, number>();
  readonly #waiters = new Set<Waiter>();
  #generation = 0;

  /** Changes on every rebalance; a batch remembers the generation it was delivered in. */
  get generation(): number {
    return this.#generation;
  }

  /** The group is rebalancing or was joined again. */
  nextGeneration(): void {
    this.#generation += 1;
  }

  /** Whether a batch delivered in `generation` may still commit its offsets. */
  isCurrent(generation: number): boolean {
    return generation === this.#generation;
  }

  committedPosition(partition: number): number {
    return this.#committed.get(partition) ?? 0;
  }

  /** The runner wrote everything of `partition` up to `position`. */
  commit(partition: number, position: number): void {
    if (position > this.committedPosition(partition)) this.#committed.set(partition, position);
    for (const waiter of [...this.#waiters]) {
      if (waiter.partition === partition && waiter.position <= position) this.#settle(waiter, 'committed');
    }
  }

  /** Resolves once `partition` is committed through `position`, or as `'revoked'` when it is let go. */
  waitFor(partition: number, position: number): Promise<CommitOutcome> {
    if (this.committedPosition(partition) >= position) return Promise.resolve('committed');
    return new Promise((resolve) => this.#waiters.add({ partition, position, resolve }));
  }

  /** Nobody will commit `partition` any more (its reader stopped): release its waits. */
  revoke(partition: number): void {
    for (const waiter of [...this.#waiters]) if (waiter.partition === partition) this.#settle(waiter, 'revoked');
  }

  /** The feed is closing: release every wait. */
  revokeAll(): void {
    for (const waiter of [...this.#waiters]) this.#settle(waiter, 'revoked');
  }

  #settle(waiter: Waiter, outcome: CommitOutcome): void {
    this.#waiters.delete(waiter);
    waiter.resolve(outcome);
  }
}
