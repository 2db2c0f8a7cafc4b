import { OrdoError, type ValidationIssue } from '@ordo/core';

/** A read-model query named a field that is not indexed, a bad operator or value, or a foreign cursor. */
export class InvalidQueryError extends OrdoError {
  readonly code = 'INVALID_QUERY';
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(
      `Invalid query: ${issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
}

/** No collection or alias of that name exists in the read store. */
export class CollectionNotFoundError extends OrdoError {
  readonly code = 'COLLECTION_NOT_FOUND';
  constructor(readonly collection: string) {
    super(`No read-model collection or alias named ${collection}`);
  }
}

/** A projection definition is malformed (bad name, partition count, missing handlers). */
export class InvalidProjectionError extends OrdoError {
  readonly code = 'INVALID_PROJECTION';
}

/** The runner does not know the projection a caller named. */
export class UnknownProjectionError extends OrdoError {
  readonly code = 'UNKNOWN_PROJECTION';
  constructor(readonly projection: string) {
    super(`No projection named ${projection} is registered with this runner`);
  }
}

/** Two runners combined into one both serve the same projection name. */
export class DuplicateProjectionError extends OrdoError {
  readonly code = 'DUPLICATE_PROJECTION';
  constructor(readonly projection: string) {
    super(`Projection ${projection} is served by more than one of the combined runners`);
  }
}

/** A partition stopped on an event it could not apply (failure policy `'halt'`). */
export class PartitionHaltedError extends OrdoError {
  readonly code = 'PARTITION_HALTED';
  constructor(
    readonly collection: string,
    readonly partition: number,
    readonly position: number,
    override readonly cause: unknown,
  ) {
    super(`Projection ${collection} halted partition ${partition} at position ${position}`);
  }
}
