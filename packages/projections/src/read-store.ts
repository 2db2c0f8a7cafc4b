import type { CheckpointStore } from './checkpoint-store.js';
import type { Document, DocumentOperation } from './read-model-operation.js';
import type { FindQueryInput, IndexDefinitions } from './read-model-query.js';

/** A document with its id and the position of the last event applied to it (usable as an ETag). */
export interface StoredDocument<Doc extends Document = Document> {
  readonly id: string;
  readonly document: Doc;
  readonly position: number;
  /** The document as JSON text, when the store keeps it so: a reader that only forwards it skips a parse and a stringify. */
  readonly json?: string;
}

export interface FindPage<Doc extends Document = Document> {
  readonly items: readonly StoredDocument<Doc>[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

export interface CollectionOptions {
  readonly indexes: IndexDefinitions;
}

/** One partition's batch: coalesced document operations and the checkpoint they move it to. */
export interface PartitionCommit {
  /** Physical collection, `name_vN`. */
  readonly collection: string;
  readonly partition: number;
  /** At most one operation per document id. */
  readonly operations: readonly DocumentOperation[];
  /** Committed together with the operations; absent when re-applying parked events. */
  readonly checkpoint?: number;
}

/**
 * The read-model store port. The runner writes through `commit`; the HTTP layer reads through
 * `get`/`find` by alias; rebuilds use the collection/alias operations. Prove adapters with
 * `readStoreContract` from `@ordo/projections/testing`.
 *
 * `commit` must write the operations and the checkpoint atomically where the store has
 * transactions. Where it has not, it writes documents first and the checkpoint last, and every
 * operation is guarded by the document's stored position (ignored when at or below it; deletes
 * keep a hidden tombstone), so re-applying a batch after a crash changes nothing.
 */
export interface ReadStore {
  /** The checkpoints `commit` writes; same backing database, so they commit together. */
  readonly checkpoints: CheckpointStore;

  /** Creates the collection and its indexes if missing; idempotent. */
  ensureCollection(collection: string, options: CollectionOptions): Promise<void>;
  /** Current documents for a batch (by physical collection); missing ids are absent. Copies. */
  getMany(collection: string, ids: readonly string[]): Promise<ReadonlyMap<string, StoredDocument>>;
  commit(batch: PartitionCommit): Promise<void>;

  /**
   * Whether a failed `commit` is an outage (connection lost, no server selectable) that the runner
   * should wait out however long it lasts, instead of halting the partition after its retries.
   */
  isTransientError?(error: unknown): boolean;

  /** The collection an alias (a projection's name) points to. */
  resolveAlias(alias: string): Promise<string | undefined>;
  /** Points the alias at a collection in one atomic step; readers see the old or the new one. */
  switchAlias(alias: string, collection: string): Promise<void>;
  /** Drops a collection's documents, index definitions and checkpoints. */
  dropCollection(collection: string): Promise<void>;
  listCollections(): Promise<readonly string[]>;

  /** One document by id from an alias (or collection); `CollectionNotFoundError` if neither exists. */
  get<Doc extends Document = Document>(name: string, id: string): Promise<StoredDocument<Doc> | undefined>;
  /**
   * A page of documents. The query is validated with `parseFindQuery` against the collection's
   * indexes (`InvalidQueryError` otherwise); pages are keyset-paginated on (sort field, id), so a
   * cursor neither repeats nor skips documents that did not change between pages.
   */
  find<Doc extends Document = Document>(name: string, query?: FindQueryInput): Promise<FindPage<Doc>>;
  close(): Promise<void>;
}
