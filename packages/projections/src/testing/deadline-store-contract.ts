import { randomUUID } from 'node:crypto';
import type { StoreFactory } from '@ordo/core/testing';
import { describe, expect, it } from 'vitest';
import type { Deadline, DeadlineStore } from '../process-manager/deadline-store.js';

const deadline = (processName: string, processId: string, step: number, dueAt: number): Deadline => ({
  id: `${processName}-${processId}-${step}`,
  processName,
  processId,
  step,
  dueAt: new Date(dueAt).toISOString(),
});

/**
 * The behaviour every deadline store adapter must show.
 *
 * @example
 * deadlineStoreContract(() => createSqliteDeadlineStore({ path: ':memory:' }));
 */
export function deadlineStoreContract(
  createStore: StoreFactory<DeadlineStore>,
  suiteName = 'deadline store contract',
): void {
  describe(suiteName, () => {
    const name = () => `p${randomUUID().replaceAll('-', '').slice(0, 10)}`;

    it('returns only due deadlines, earliest first', async () => {
      const store = await createStore();
      const process = name();
      await store.schedule(deadline(process, 'b', 0, 3_000));
      await store.schedule(deadline(process, 'a', 0, 1_000));
      await store.schedule(deadline(process, 'c', 0, 9_000));
      const due = (await store.due(new Date(5_000))).filter((entry) => entry.processName === process);
      expect(due.map((entry) => entry.processId)).toEqual(['a', 'b']);
      expect(due[0]).toEqual(deadline(process, 'a', 0, 1_000));
    });

    it('keeps one entry when the same id is scheduled twice', async () => {
      const store = await createStore();
      const process = name();
      await store.schedule(deadline(process, 'a', 1, 1_000));
      await store.schedule(deadline(process, 'a', 1, 1_000));
      expect(await store.list(process)).toHaveLength(1);
    });

    it('lists by process and instance, and forgets removed deadlines', async () => {
      const store = await createStore();
      const process = name();
      await store.schedule(deadline(process, 'a', 0, 2_000));
      await store.schedule(deadline(process, 'b', 0, 1_000));
      expect((await store.list(process)).map((entry) => entry.processId)).toEqual(['b', 'a']);
      expect((await store.list(process, 'a')).map((entry) => entry.processId)).toEqual(['a']);
      await store.remove(deadline(process, 'b', 0, 1_000).id);
      await store.remove('unknown-id');
      expect((await store.list(process)).map((entry) => entry.processId)).toEqual(['a']);
    });

    it('reports the earliest pending deadline, due or not', async () => {
      const store = await createStore();
      const process = name();
      const far = Date.UTC(2100, 0, 1);
      expect((await store.next())?.processName === process).toBe(false);
      await store.schedule(deadline(process, 'x', 0, far));
      const next = await store.next();
      expect(next === undefined || Date.parse(next.dueAt) <= far).toBe(true);
      expect(await store.list(process, 'x')).toEqual([deadline(process, 'x', 0, far)]);
    });
  });
}
