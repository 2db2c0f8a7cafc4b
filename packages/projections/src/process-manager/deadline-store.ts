import { z } from 'zod';

export const deadlineSchema = z.object({
  /** Deterministic (process, step, triggering event), so scheduling or firing twice is harmless. */
  id: z.string(),
  processName: z.string(),
  processId: z.string(),
  step: z.number().int().min(0),
  /** ISO-8601 instant after which the deadline is due. */
  dueAt: z.string(),
});
/** A durable timer of a process step: when it falls due, the step times out. */
export type Deadline = z.infer<typeof deadlineSchema>;

/**
 * Deadlines that survive restarts. Prove adapters with `deadlineStoreContract` from
 * `@ordo/projections/testing`.
 */
export interface DeadlineStore {
  /** Idempotent per id: scheduling an id again keeps one entry. */
  schedule(deadline: Deadline): Promise<void>;
  /** Deadlines due at `now` (dueAt <= now), earliest first. */
  due(now: Date, limit?: number): Promise<readonly Deadline[]>;
  /** The earliest pending deadline, due or not. */
  next(): Promise<Deadline | undefined>;
  /** Pending deadlines of one process manager (and instance), earliest first. */
  list(processName: string, processId?: string): Promise<readonly Deadline[]>;
  /** Removes a fired or cancelled deadline; unknown ids are ignored. */
  remove(id: string): Promise<void>;
}
