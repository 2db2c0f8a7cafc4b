import type { Deadline, DeadlineStore } from './deadline-store.js';

/**
 * The in-memory `DeadlineStore`, for tests and examples (deadlines die with the process).
 *
 * @example
 * const deadlines = createInMemoryDeadlineStore();
 */
export function createInMemoryDeadlineStore(): DeadlineStore {
  const entries = new Map<string, Deadline>();
  const sorted = () =>
    [...entries.values()].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || compare(a.id, b.id));
  return {
    async schedule(deadline) {
      entries.set(deadline.id, { ...deadline });
    },
    async due(now, limit = 100) {
      const at = now.getTime();
      return sorted()
        .filter((deadline) => Date.parse(deadline.dueAt) <= at)
        .slice(0, limit);
    },
    async next() {
      return sorted()[0];
    },
    async list(processName, processId) {
      return sorted().filter(
        (deadline) =>
          deadline.processName === processName && (processId === undefined || deadline.processId === processId),
      );
    },
    async remove(id) {
      entries.delete(id);
    },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
