import { sleep } from '@ordo/core';
import type { DeadlineStore } from './deadline-store.js';
import type { ProcessManager } from './process-manager.js';

export interface DeadlineSchedulerOptions {
  readonly deadlines: DeadlineStore;
  readonly processManagers: readonly Pick<ProcessManager, 'name' | 'expire'>[];
  /** Longest sleep between checks, so deadlines scheduled by other processes are seen. Default 1,000 ms. */
  readonly pollIntervalMs?: number;
  readonly now?: () => Date;
  /** A deadline failed to fire; it stays stored and is tried again on the next check. */
  readonly onError?: (error: unknown) => void;
}

export interface DeadlineScheduler {
  /** Fires overdue deadlines at once (after a restart), then each as it falls due, until stopped. */
  start(): void;
  /** Fires every deadline due at `now`; resolves with how many fired. */
  fireDue(now?: Date): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Fires durable process deadlines: each due deadline is handed to its process manager's
 * `expire` (an idempotent append to the process stream), then removed. Firing twice is harmless.
 *
 * @example
 * const scheduler = createDeadlineScheduler({ deadlines, processManagers: [transfers] });
 * scheduler.start();
 */
export function createDeadlineScheduler(options: DeadlineSchedulerOptions): DeadlineScheduler {
  const byName = new Map(options.processManagers.map((manager) => [manager.name, manager]));
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const now = options.now ?? (() => new Date());
  let stopper = new AbortController();
  let loop: Promise<void> | undefined;

  async function fireDue(at: Date = now()): Promise<number> {
    let fired = 0;
    for (const deadline of await options.deadlines.due(at)) {
      const manager = byName.get(deadline.processName);
      if (manager === undefined) continue;
      try {
        await manager.expire(deadline);
        await options.deadlines.remove(deadline.id);
        fired += 1;
      } catch (error) {
        options.onError?.(error);
      }
    }
    return fired;
  }

  async function run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await fireDue();
        const next = await options.deadlines.next();
        const untilNext = next === undefined ? pollIntervalMs : Date.parse(next.dueAt) - now().getTime();
        await sleep(Math.max(1, Math.min(pollIntervalMs, untilNext)), signal);
      } catch (error) {
        options.onError?.(error);
        await sleep(pollIntervalMs, signal);
      }
    }
  }

  return {
    start() {
      if (loop !== undefined) return;
      stopper = new AbortController();
      loop = run(stopper.signal);
    },
    fireDue,
    async stop() {
      stopper.abort();
      await loop;
      loop = undefined;
    },
  };
}
