import type { DeadLetterStore, Document, ReadStore } from '@ordo/projections';

/**
 * A read store through which a runner can fill a new collection but never touch what serves:
 * alias switches and drops are left to the caller, who does them under exclusive access.
 */
export function buildOnlyReadStore(store: ReadStore): ReadStore {
  return {
    checkpoints: store.checkpoints,
    ensureCollection: (collection, options) => store.ensureCollection(collection, options),
    getMany: (collection, ids) => store.getMany(collection, ids),
    commit: (batch) => store.commit(batch),
    resolveAlias: (alias) => store.resolveAlias(alias),
    switchAlias: async () => {},
    dropCollection: async () => {},
    listCollections: () => store.listCollections(),
    get: <Doc extends Document>(name: string, id: string) => store.get<Doc>(name, id),
    find: <Doc extends Document>(name: string, query?: Parameters<ReadStore['find']>[1]) =>
      store.find<Doc>(name, query),
    close: async () => {},
  };
}

/** Dead letters of the live collection survive a build: the runner's cleanup after its switch is skipped. */
export function buildOnlyDeadLetters(store: DeadLetterStore): DeadLetterStore {
  return {
    park: (entries) => store.park(entries),
    list: (collection, query) => store.list(collection, query),
    count: (collection) => store.count(collection),
    remove: (collection, positions) => store.remove(collection, positions),
    clear: async () => {},
  };
}
