import type { CheckpointStore } from './checkpoint-store.js';
import { CollectionNotFoundError } from './errors.js';
import { createInMemoryCheckpointStore } from './in-memory-checkpoint-store.js';
import type { Document, DocumentOperation } from './read-model-operation.js';
import {
  compareValues,
  encodeCursor,
  type FilterCondition,
  type FilterValue,
  type FindQuery,
  fieldValue,
  type IndexDefinitions,
  parseFindQuery,
} from './read-model-query.js';
import type { ReadStore, StoredDocument } from './read-store.js';

interface Collection {
  readonly indexes: IndexDefinitions;
  readonly documents: Map<string, StoredDocument>;
}

/**
 * A complete in-memory read store: documents, aliases, queries and checkpoints. A commit applies
 * synchronously, so documents and checkpoint change together. Committed documents are deep-frozen
 * (not copied, for speed): nobody can corrupt the store through a reference it handed out.
 *
 * @example
 * const store = createInMemoryReadStore();
 * const runner = createProjectionRunner({ source: createStoreEventSource(events), store, projections: [balances] });
 */
export function createInMemoryReadStore(): ReadStore {
  const collections = new Map<string, Collection>();
  const aliases = new Map<string, string>();
  const checkpoints = createInMemoryCheckpointStore();

  const named = (name: string): Collection => {
    const collection = collections.get(aliases.get(name) ?? name);
    if (collection === undefined) throw new CollectionNotFoundError(name);
    return collection;
  };
  const physical = (name: string): Collection => {
    const collection = collections.get(name);
    if (collection === undefined) throw new CollectionNotFoundError(name);
    return collection;
  };

  const store: ReadStore & { readonly checkpoints: CheckpointStore } = {
    checkpoints,

    async ensureCollection(collection, options) {
      if (!collections.has(collection))
        collections.set(collection, { indexes: { ...options.indexes }, documents: new Map() });
    },

    async getMany(collection, ids) {
      const documents = physical(collection).documents;
      const found = new Map<string, StoredDocument>();
      for (const id of ids) {
        const stored = documents.get(id);
        if (stored !== undefined) found.set(id, stored);
      }
      return found;
    },

    async commit(batch) {
      const documents = physical(batch.collection).documents;
      for (const operation of batch.operations) apply(documents, operation);
      if (batch.checkpoint !== undefined) await checkpoints.save(batch.collection, batch.partition, batch.checkpoint);
    },

    async resolveAlias(alias) {
      return aliases.get(alias);
    },
    async switchAlias(alias, collection) {
      physical(collection);
      aliases.set(alias, collection);
    },
    async dropCollection(collection) {
      collections.delete(collection);
      await checkpoints.clear(collection);
    },
    async listCollections() {
      return [...collections.keys()];
    },

    async get<Doc extends Document>(name: string, id: string) {
      return named(name).documents.get(id) as StoredDocument<Doc> | undefined;
    },

    async find<Doc extends Document>(name: string, input?: unknown) {
      const collection = named(name);
      const query = parseFindQuery(input, collection.indexes);
      const sortValue = (stored: StoredDocument) =>
        query.sort.field === 'id' ? stored.id : fieldValue(stored.document, query.sort.field);
      const sign = query.sort.direction === 'asc' ? 1 : -1;
      const order = (a: StoredDocument, b: StoredDocument) =>
        sign * (compareValues(sortValue(a), sortValue(b)) || compareValues(a.id, b.id));
      // Keeps only the best limit + 1 matches (binary insertion): no full sort per query.
      const best: StoredDocument[] = [];
      for (const stored of collection.documents.values()) {
        if (!query.filter.every((condition) => matches(stored.document, condition))) continue;
        if (!isAfter(stored, query, sortValue, sign)) continue;
        if (best.length > query.limit && order(stored, best[query.limit] as StoredDocument) >= 0) continue;
        let low = 0;
        let high = best.length;
        while (low < high) {
          const middle = (low + high) >>> 1;
          if (order(best[middle] as StoredDocument, stored) < 0) low = middle + 1;
          else high = middle;
        }
        best.splice(low, 0, stored);
        if (best.length > query.limit + 1) best.pop();
      }
      const items = best.slice(0, query.limit) as StoredDocument<Doc>[];
      const last = items.at(-1);
      return last !== undefined && best.length > query.limit
        ? { items, nextCursor: encodeCursor(query.sort, { value: sortValue(last), id: last.id }) }
        : { items };
    },

    async close() {},
  };
  return store;
}

function apply(documents: Map<string, StoredDocument>, operation: DocumentOperation): void {
  const stored = documents.get(operation.id);
  if (stored !== undefined && stored.position >= operation.position) return;
  switch (operation.type) {
    case 'upsert':
      documents.set(
        operation.id,
        freeze({ id: operation.id, document: operation.document, position: operation.position }),
      );
      return;
    case 'patch':
      if (stored === undefined) return;
      documents.set(
        operation.id,
        freeze({
          id: operation.id,
          document: mergePatch(stored.document, operation.patch),
          position: operation.position,
        }),
      );
      return;
    case 'delete':
      documents.delete(operation.id);
  }
}

/** A shallow merge where an undefined field removes the key, as the JSON-backed stores do. */
function mergePatch(document: Document, patch: Partial<Document>): Document {
  const merged: Record<string, unknown> = { ...document, ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete merged[key];
  return merged as Document;
}

function isAfter(
  stored: StoredDocument,
  query: FindQuery,
  sortValue: (stored: StoredDocument) => ReturnType<typeof fieldValue>,
  sign: number,
): boolean {
  if (query.after === undefined) return true;
  const bySort = compareValues(sortValue(stored), query.after.value);
  return sign * (bySort || compareValues(stored.id, query.after.id)) > 0;
}

function matches(document: Document, condition: FilterCondition): boolean {
  const value = fieldValue(document, condition.field);
  const target = condition.value;
  switch (condition.op) {
    case 'eq':
      return compareValues(value, target as never) === 0;
    case 'ne':
      return compareValues(value, target as never) !== 0;
    case 'in':
      return (target as readonly FilterValue[]).some((candidate) => compareValues(value, candidate) === 0);
    case 'gt':
      return value !== null && typeof value === typeof target && compareValues(value, target as never) > 0;
    case 'gte':
      return value !== null && typeof value === typeof target && compareValues(value, target as never) >= 0;
    case 'lt':
      return value !== null && typeof value === typeof target && compareValues(value, target as never) < 0;
    case 'lte':
      return value !== null && typeof value === typeof target && compareValues(value, target as never) <= 0;
  }
}

function freeze<T extends StoredDocument>(stored: T): T {
  deepFreeze(stored);
  return stored;
}

function deepFreeze(value: unknown): void {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
}
