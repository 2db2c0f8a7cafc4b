import { backoffDelay, type RecordedEvent, sleep } from '@ordo/core';
import { OperationCoalescer } from './coalesce-operations.js';
import type { DeadLetter, DeadLetterStore } from './dead-letter-store.js';
import { toParkedError } from './dead-letter-store.js';
import { PartitionHaltedError } from './errors.js';
import type { SourceBatch } from './event-source.js';
import type { FailurePolicy, RetryOptions } from './failure-policy.js';
import type { AnyProjection } from './projection.js';
import { countParked, traceReadModelWrite } from './projection-telemetry.js';
import type { Document, DocumentOperation, ReadModelOperation } from './read-model-operation.js';
import type { PartitionCommit, ReadStore, StoredDocument } from './read-store.js';

export interface PartitionWorkerOptions {
  readonly projection: AnyProjection;
  readonly collection: string;
  readonly partition: number;
  readonly store: ReadStore;
  readonly deadLetters: DeadLetterStore;
  readonly policy: FailurePolicy;
  readonly retry: RetryOptions;
  readonly signal: AbortSignal;
  readonly checkpoint: number;
  readonly parked: readonly DeadLetter[];
  /** Empty batches persist their checkpoint only once it moved this far, to keep idle commits rare. */
  readonly idleCommitDistance: number;
  /** Called after every advance (commit or idle progress). */
  readonly onAdvance: () => void;
}

interface Applied {
  readonly operations: DocumentOperation[];
  readonly parked: DeadLetter[];
  /** Events consumed before a stop (retry mode), or all of them. */
  readonly consumed: number;
}

type Attempt<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown; readonly attempts: number };

/** Applies one partition's batches strictly in order: handlers, coalescing, parking, commit. */
export class PartitionWorker {
  checkpoint: number;
  reached: number;
  state: 'running' | 'caught-up' | 'halted' | 'stopped' = 'running';
  error: string | undefined;
  /** Timestamp (ms) of the oldest event in hand and not yet committed: the lag in time. */
  pendingSince: number | undefined;
  readonly #parkedKeys = new Map<string, number>();
  #chain: Promise<unknown> = Promise.resolve();
  readonly #options: PartitionWorkerOptions;

  constructor(options: PartitionWorkerOptions) {
    this.#options = options;
    this.checkpoint = options.checkpoint;
    this.reached = options.checkpoint;
    for (const entry of options.parked) this.#countParked(entry.partitionKey, 1);
  }

  get parked(): number {
    let total = 0;
    for (const count of this.#parkedKeys.values()) total += count;
    return total;
  }

  /** Runs `task` after everything queued before it, so batches and parked retries never interleave. */
  /** Resolves once the batch in hand (and any queued operation) has finished. */
  settled(): Promise<void> {
    return this.#chain.then(() => undefined);
  }

  serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task);
    this.#chain = run.catch(() => {});
    return run;
  }

  async process(batch: SourceBatch): Promise<void> {
    if (this.state === 'halted') return;
    const { collection, partition } = this.#options;
    const events = batch.events.filter((event) => event.position > this.checkpoint);
    const last = Math.max(batch.scannedTo, events.at(-1)?.position ?? 0);
    if (events.length === 0) {
      if (last - this.checkpoint >= this.#options.idleCommitDistance) {
        await this.#commit({ collection, partition, operations: [], checkpoint: last });
        this.checkpoint = last;
      }
      this.#advance(last);
      return;
    }
    this.pendingSince = Date.parse((events[0] as RecordedEvent).timestamp);
    const applied = await this.#apply(events, 'policy');
    if (applied.parked.length > 0) {
      // Parked before the checkpoint passes them, so a crash in between re-parks instead of losing them.
      await this.#options.deadLetters.park(applied.parked);
      for (const entry of applied.parked) this.#countParked(entry.partitionKey, 1);
      countParked(this.#options.projection.name, applied.parked.length);
    }
    await this.#commit({ collection, partition, operations: applied.operations, checkpoint: last });
    this.checkpoint = last;
    this.pendingSince = undefined;
    this.#advance(last);
  }

  /** Re-applies parked events in order, key by key; a key stops at its first event that fails again. */
  async retryParked(partitionKey?: string): Promise<{ applied: number; stillParked: number }> {
    const { collection, partition, deadLetters } = this.#options;
    const entries = await deadLetters.list(collection, {
      partition,
      ...(partitionKey === undefined ? {} : { partitionKey }),
    });
    const byKey = new Map<string, DeadLetter[]>();
    for (const entry of entries) byKey.set(entry.partitionKey, [...(byKey.get(entry.partitionKey) ?? []), entry]);
    let applied = 0;
    for (const [key, group] of byKey) {
      const result = await this.#apply(
        group.map((entry) => entry.event),
        'stop',
      );
      await this.#commit({ collection, partition, operations: result.operations });
      const done = group.slice(0, result.consumed).map((entry) => entry.position);
      if (result.parked.length > 0) await deadLetters.park(result.parked);
      await deadLetters.remove(collection, done);
      this.#countParked(key, -done.length);
      applied += done.length;
    }
    return { applied, stillParked: this.parked };
  }

  /** Drops one parked event; its key flows again once nothing of it is parked. */
  async skipParked(entry: DeadLetter): Promise<void> {
    await this.#options.deadLetters.remove(this.#options.collection, [entry.position]);
    this.#countParked(entry.partitionKey, -1);
  }

  /** A store failure (busy, connection lost) is retried like a handler failure before the partition halts. */
  async #commit(batch: PartitionCommit): Promise<void> {
    const { store } = this.#options;
    try {
      await traceReadModelWrite(batch.collection, batch.operations.length, () =>
        this.#throughOutage(() => store.commit(batch)),
      );
    } catch (error) {
      const retried = await this.#retry(() => store.commit(batch), error);
      if (!retried.ok) throw retried.error;
    }
  }

  /** Runs a store call, waiting out an outage however long it lasts and showing it in status meanwhile. */
  async #throughOutage<T>(step: () => Promise<T>): Promise<T> {
    const { store, retry, signal } = this.#options;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const result = await step();
        this.error = undefined;
        return result;
      } catch (error) {
        if (store.isTransientError?.(error) !== true || signal.aborted) {
          this.error = undefined;
          throw error;
        }
        this.error = `store unavailable, retrying: ${error instanceof Error ? error.message : String(error)}`;
        await sleep(backoffDelay(Math.min(attempt, 16), retry), signal);
      }
    }
  }

  halt(error: unknown): void {
    this.state = 'halted';
    this.error = error instanceof Error ? error.message : String(error);
    this.#options.onAdvance();
  }

  #advance(position: number): void {
    if (position > this.reached) this.reached = position;
    this.#options.onAdvance();
  }

  #countParked(key: string, delta: number): void {
    const count = (this.#parkedKeys.get(key) ?? 0) + delta;
    if (count > 0) this.#parkedKeys.set(key, count);
    else this.#parkedKeys.delete(key);
  }

  async #apply(events: readonly RecordedEvent[], onFailure: 'policy' | 'stop'): Promise<Applied> {
    return this.#options.projection.apply.kind === 'evolve'
      ? this.#applyEvolve(events, onFailure)
      : this.#applyHandlers(events, onFailure);
  }

  async #applyHandlers(events: readonly RecordedEvent[], onFailure: 'policy' | 'stop'): Promise<Applied> {
    const { projection } = this.#options;
    const apply = projection.apply as Exclude<AnyProjection['apply'], { kind: 'evolve' }>;
    // A retry of parked events ('stop') goes key by key already: only live batches fan out.
    if (apply.kind === 'react' && apply.concurrency > 1 && onFailure === 'policy') {
      return this.#applyReactions(events, apply);
    }
    const coalescer = new OperationCoalescer();
    const parked: DeadLetter[] = [];
    const held = this.#heldKeys(onFailure);
    // Plain handlers stay synchronous (no await per event); reactors are awaited one event at a time.
    const run = (event: RecordedEvent): readonly ReadModelOperation[] | Promise<readonly ReadModelOperation[]> => {
      const decoded = projection.decode(event);
      if (decoded === undefined) return [];
      return apply.kind === 'react' ? apply.react(decoded) : apply.handle(decoded);
    };
    for (let index = 0; index < events.length; index += 1) {
      const event = events[index] as RecordedEvent;
      if (held.size > 0 && this.#holdBehind(event, held, parked)) continue;
      let operations: readonly ReadModelOperation[];
      try {
        const result = run(event);
        operations = result instanceof Promise ? await result : result;
      } catch (error) {
        const retried = await this.#retry(() => run(event), error);
        if (!retried.ok) {
          parked.push(this.#letter(event, retried.error, retried.attempts));
          if (onFailure === 'stop') return { operations: coalescer.drain(), parked, consumed: index };
          this.#onFailure(event, retried.error, held);
          continue;
        }
        operations = retried.value;
      }
      for (const operation of operations) coalescer.add(operation, event.position);
    }
    return { operations: coalescer.drain(), parked, consumed: events.length };
  }

  /**
   * A reactor's batch, key by key: up to `concurrency` keys react at once (their I/O overlaps),
   * each key's events strictly in order. Operations are then coalesced in position order, so the
   * commit equals that of a serial run.
   */
  async #applyReactions(
    events: readonly RecordedEvent[],
    apply: Extract<AnyProjection['apply'], { kind: 'react' }>,
  ): Promise<Applied> {
    const { projection } = this.#options;
    const results: (readonly ReadModelOperation[] | undefined)[] = new Array(events.length);
    const parked: DeadLetter[] = [];
    const held = this.#heldKeys('policy');
    const byKey = new Map<string, number[]>();
    for (let index = 0; index < events.length; index += 1) {
      const event = events[index] as RecordedEvent;
      let key: string;
      try {
        key = projection.partitionKey(event);
      } catch {
        key = event.streamId; // the handler meets the same fault, where it is retried and parked
      }
      const chain = byKey.get(key);
      if (chain === undefined) byKey.set(key, [index]);
      else chain.push(index);
    }
    let halted: { readonly error: unknown } | undefined;
    const react = (event: RecordedEvent) => {
      const decoded = projection.decode(event);
      return decoded === undefined ? [] : apply.react(decoded);
    };
    const runChain = async (indexes: readonly number[]) => {
      for (const index of indexes) {
        if (halted !== undefined) return;
        const event = events[index] as RecordedEvent;
        if (held.size > 0 && this.#holdBehind(event, held, parked)) continue;
        try {
          results[index] = await react(event);
        } catch (error) {
          const retried = await this.#retry(() => react(event), error);
          if (retried.ok) {
            results[index] = retried.value;
            continue;
          }
          parked.push(this.#letter(event, retried.error, retried.attempts));
          try {
            this.#onFailure(event, retried.error, held);
          } catch (halt) {
            halted ??= { error: halt };
          }
        }
      }
    };
    const chains = [...byKey.values()];
    let next = 0;
    const lanes = Array.from({ length: Math.min(apply.concurrency, chains.length) }, async () => {
      while (next < chains.length) await runChain(chains[next++] as number[]);
    });
    await Promise.all(lanes);
    if (halted !== undefined) throw halted.error;
    const coalescer = new OperationCoalescer();
    for (let index = 0; index < events.length; index += 1) {
      for (const operation of results[index] ?? []) coalescer.add(operation, (events[index] as RecordedEvent).position);
    }
    parked.sort((a, b) => a.position - b.position);
    return { operations: coalescer.drain(), parked, consumed: events.length };
  }

  async #applyEvolve(events: readonly RecordedEvent[], onFailure: 'policy' | 'stop'): Promise<Applied> {
    const { projection, store, collection } = this.#options;
    const apply = projection.apply as Extract<AnyProjection['apply'], { kind: 'evolve' }>;
    // First pass decodes once and collects ids, so the batch's documents load in one read.
    const decoded: (RecordedEvent | undefined)[] = new Array(events.length);
    const ids: (string | undefined)[] = new Array(events.length);
    const failed = new Set<number>();
    const wanted = new Set<string>();
    for (let index = 0; index < events.length; index += 1) {
      try {
        const event = projection.decode(events[index] as RecordedEvent);
        const id = event === undefined ? undefined : apply.documentId(event);
        decoded[index] = event;
        ids[index] = id;
        if (id !== undefined) wanted.add(id);
      } catch {
        failed.add(index);
      }
    }
    const loaded = await this.#throughOutage(() => store.getMany(collection, [...wanted]));
    const working = new Map<string, WorkingDocument>();
    const stateOf = (id: string, stored: StoredDocument | undefined): WorkingDocument => {
      let state = working.get(id);
      if (state === undefined) {
        state = { doc: stored?.document ?? null, position: stored?.position ?? 0, stored: stored?.position };
        working.set(id, state);
      }
      return state;
    };
    const evolveOne = (event: RecordedEvent, decodedEvent: RecordedEvent, state: WorkingDocument) => {
      // A store without transactions may already hold this event's effect.
      if (state.position >= event.position) return;
      state.doc = apply.evolve(state.doc, decodedEvent);
      state.position = event.position;
    };
    const parked: DeadLetter[] = [];
    const held = this.#heldKeys(onFailure);
    for (let index = 0; index < events.length; index += 1) {
      const event = events[index] as RecordedEvent;
      if (held.size > 0 && this.#holdBehind(event, held, parked)) continue;
      const id = ids[index];
      const decodedEvent = decoded[index];
      if (!failed.has(index)) {
        if (id === undefined || decodedEvent === undefined) continue;
        try {
          evolveOne(event, decodedEvent, stateOf(id, loaded.get(id)));
          continue;
        } catch {
          // Falls through to the retrying path.
        }
      }
      const outcome = await this.#attempt(async () => {
        const again = projection.decode(event);
        const againId = again === undefined ? undefined : apply.documentId(again);
        if (again === undefined || againId === undefined) return;
        const stored = working.has(againId)
          ? undefined
          : (await this.#throughOutage(() => store.getMany(collection, [againId]))).get(againId);
        evolveOne(event, again, stateOf(againId, stored));
      });
      if (!outcome.ok) {
        parked.push(this.#letter(event, outcome.error, outcome.attempts));
        if (onFailure === 'stop') return { operations: toOperations(working), parked, consumed: index };
        this.#onFailure(event, outcome.error, held);
      }
    }
    return { operations: toOperations(working), parked, consumed: events.length };
  }

  /** Keys whose events wait behind a parked one: under 'park-key', those parked so far plus this batch's. */
  #heldKeys(onFailure: 'policy' | 'stop'): Set<string> {
    return onFailure === 'policy' && this.#options.policy === 'park-key'
      ? new Set(this.#parkedKeys.keys())
      : new Set<string>();
  }

  #holdBehind(event: RecordedEvent, held: ReadonlySet<string>, parked: DeadLetter[]): boolean {
    const key = this.#options.projection.partitionKey(event);
    if (!held.has(key)) return false;
    parked.push(this.#letter(event, new Error('Held behind an earlier parked event of the same key'), 0));
    return true;
  }

  #onFailure(event: RecordedEvent, error: unknown, held: Set<string>): void {
    const { policy, collection, partition, projection } = this.#options;
    if (policy === 'halt') throw new PartitionHaltedError(collection, partition, event.position, error);
    if (policy === 'park-key') held.add(projection.partitionKey(event));
  }

  async #attempt(step: () => Promise<void>): Promise<Attempt<void>> {
    try {
      await step();
      return { ok: true, value: undefined };
    } catch (error) {
      return this.#retry(step, error);
    }
  }

  async #retry<T>(run: () => T | Promise<T>, firstError: unknown): Promise<Attempt<T>> {
    const { retry, signal } = this.#options;
    let error = firstError;
    for (let attempt = 1; attempt < retry.maxAttempts && !signal.aborted; attempt += 1) {
      await sleep(backoffDelay(attempt - 1, retry), signal);
      try {
        return { ok: true, value: await run() };
      } catch (next) {
        error = next;
      }
    }
    return { ok: false, error, attempts: retry.maxAttempts };
  }

  #letter(event: RecordedEvent, error: unknown, attempts: number): DeadLetter {
    const { collection, partition, projection } = this.#options;
    return {
      collection,
      partition,
      partitionKey: projection.partitionKey(event),
      position: event.position,
      event,
      error: toParkedError(error),
      attempts,
      parkedAt: new Date().toISOString(),
    };
  }
}

interface WorkingDocument {
  doc: Document | null;
  position: number;
  /** The stored document's position when loaded; `undefined` if it did not exist. */
  readonly stored: number | undefined;
}

function toOperations(working: ReadonlyMap<string, WorkingDocument>): DocumentOperation[] {
  const operations: DocumentOperation[] = [];
  for (const [id, state] of working) {
    if (state.position === (state.stored ?? 0)) continue;
    if (state.doc !== null) operations.push({ type: 'upsert', id, document: state.doc, position: state.position });
    else if (state.stored !== undefined) operations.push({ type: 'delete', id, position: state.position });
  }
  return operations;
}
