/** How waiting for the runner's commit of a partition ended. */
export type CommitOutcome = 'committed' | 'revoked';

interface Waiter {
  readonly partition: number;
  readonly position: number;
  readonly resolve: (outcome: CommitOutcome) => void;
}

/**
 * Rebalance bookkeeping of the Kafka source. A batch handed to the runner waits here until the
 * runner committed its read-model writes; a rebalance or close revokes the waits, so offsets of
 * work that finished after a partition was taken away are never committed by the old owner.
 */
export class CommitTracker {
  readonly #committed = new Map<number, number>();
  readonly #waiters = new Set<Waiter>();
  #generation = 0;

  /** Bumped on every rebalance; a batch remembers the generation it was delivered in. */
  get generation(): number {
    return this.#generation;
  }

  committedPosition(partition: number): number {
    return this.#committed.get(partition) ?? 0;
  }

  /** The runner wrote everything of `partition` up to `position`. */
  commit(partition: number, position: number): void {
    if (position > this.committedPosition(partition)) this.#committed.set(partition, position);
    for (const waiter of [...this.#waiters]) {
      if (waiter.partition === partition && waiter.position <= position) {
        this.#waiters.delete(waiter);
        waiter.resolve('committed');
      }
    }
  }

  /** Resolves once `partition` is committed through `position`, or as `'revoked'` on a rebalance. */
  waitFor(partition: number, position: number): Promise<CommitOutcome> {
    if (this.committedPosition(partition) >= position) return Promise.resolve('committed');
    return new Promise((resolve) => this.#waiters.add({ partition, position, resolve }));
  }

  /** The group is rebalancing (kafkajs revokes every partition first): release all waits. */
  revokeAll(): void {
    this.#generation += 1;
    for (const waiter of [...this.#waiters]) waiter.resolve('revoked');
    this.#waiters.clear();
  }

  /** Whether a batch delivered in `generation` may still commit its offsets. */
  isCurrent(generation: number): boolean {
    return generation === this.#generation;
  }
}
