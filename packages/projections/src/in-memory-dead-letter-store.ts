import type { DeadLetter, DeadLetterStore } from './dead-letter-store.js';

/**
 * A process-local dead-letter store, for tests and single-process tools (the runner's default).
 *
 * @example
 * const runner = createProjectionRunner({ source, store, projections, deadLetters: createInMemoryDeadLetterStore() });
 */
export function createInMemoryDeadLetterStore(): DeadLetterStore {
  const byCollection = new Map<string, Map<number, DeadLetter>>();
  const entriesOf = (collection: string) => {
    const entries = byCollection.get(collection) ?? new Map<number, DeadLetter>();
    byCollection.set(collection, entries);
    return entries;
  };
  return {
    async park(entries) {
      for (const entry of entries) entriesOf(entry.collection).set(entry.position, structuredClone(entry));
    },
    async list(collection, query = {}) {
      const matching = [...entriesOf(collection).values()]
        .filter(
          (entry) =>
            (query.partition === undefined || entry.partition === query.partition) &&
            (query.partitionKey === undefined || entry.partitionKey === query.partitionKey) &&
            (query.after === undefined || entry.position > query.after),
        )
        .sort((a, b) => a.position - b.position);
      return structuredClone(matching.slice(0, query.limit ?? matching.length));
    },
    async count(collection) {
      return entriesOf(collection).size;
    },
    async remove(collection, positions) {
      const entries = entriesOf(collection);
      for (const position of positions) entries.delete(position);
    },
    async clear(collection) {
      byCollection.delete(collection);
    },
  };
}
