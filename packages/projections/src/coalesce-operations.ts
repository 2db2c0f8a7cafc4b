import type { Document, DocumentOperation, ReadModelOperation } from './read-model-operation.js';

interface Pending {
  type: 'upsert' | 'patch' | 'delete';
  /** The merged document (upsert) or merged fields (patch); owned here, so merging mutates it. */
  fields: Record<string, unknown> | undefined;
  position: number;
  /** Whether `fields` is a copy made here (patches always are; an upsert's document only once merged into). */
  owned: boolean;
}

/**
 * Folds a batch's operations into one per document, so a batch writes each document once.
 * Patches are shallow merges, so a patch after an upsert or a patch folds into it; a patch after a
 * delete stays a delete (patching a missing document does nothing).
 */
export class OperationCoalescer {
  readonly #byId = new Map<string, Pending>();

  add(operation: ReadModelOperation, position: number): void {
    const pending = this.#byId.get(operation.id);
    if (operation.type !== 'patch' || pending === undefined) {
      const fields =
        operation.type === 'upsert'
          ? operation.document
          : operation.type === 'patch'
            ? { ...operation.patch }
            : undefined;
      if (pending === undefined) {
        this.#byId.set(operation.id, { type: operation.type, fields, position, owned: operation.type !== 'upsert' });
      } else {
        pending.type = operation.type;
        pending.fields = fields;
        pending.position = position;
        pending.owned = operation.type !== 'upsert';
      }
      return;
    }
    pending.position = position;
    if (pending.type === 'delete') return;
    // An upsert's document belongs to the handler; copy once before merging into it.
    if (!pending.owned) {
      pending.fields = { ...pending.fields };
      pending.owned = true;
    }
    Object.assign(pending.fields as Record<string, unknown>, operation.patch);
  }

  get size(): number {
    return this.#byId.size;
  }

  drain(): DocumentOperation[] {
    const operations: DocumentOperation[] = [];
    for (const [id, pending] of this.#byId) {
      if (pending.type === 'delete') operations.push({ type: 'delete', id, position: pending.position });
      else if (pending.type === 'patch') {
        operations.push({ type: 'patch', id, patch: pending.fields as Partial<Document>, position: pending.position });
      } else operations.push({ type: 'upsert', id, document: pending.fields as Document, position: pending.position });
    }
    this.#byId.clear();
    return operations;
  }
}
