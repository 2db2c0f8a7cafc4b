/** A read-model document: a JSON object. */
export type Document = Readonly<Record<string, unknown>>;

/** Replaces (or creates) the whole document. */
export interface UpsertOperation<Doc extends Document = Document> {
  readonly type: 'upsert';
  readonly id: string;
  readonly document: Doc;
}

/** Sets top-level fields of an existing document; a patch of a missing document does nothing. */
export interface PatchOperation<Doc extends Document = Document> {
  readonly type: 'patch';
  readonly id: string;
  readonly patch: Partial<Doc>;
}

export interface DeleteOperation {
  readonly type: 'delete';
  readonly id: string;
}

/** What a projection handler returns for one event. */
export type ReadModelOperation<Doc extends Document = Document> =
  | UpsertOperation<Doc>
  | PatchOperation<Doc>
  | DeleteOperation;

/**
 * An operation as a store receives it: coalesced per document, stamped with the position of the
 * last event that contributed. Stores must ignore it when the stored document's position is at or
 * above it, so a store without transactions can re-apply a batch safely.
 */
export type DocumentOperation<Doc extends Document = Document> = ReadModelOperation<Doc> & {
  readonly position: number;
};

export const upsert = <Doc extends Document>(id: string, document: Doc): UpsertOperation<Doc> => ({
  type: 'upsert',
  id,
  document,
});
export const patch = <Doc extends Document>(id: string, fields: Partial<Doc>): PatchOperation<Doc> => ({
  type: 'patch',
  id,
  patch: fields,
});
export const remove = (id: string): DeleteOperation => ({ type: 'delete', id });
