import { OrdoError } from '@ordo/core';
import type { ProcessFailure } from './process-aggregate.js';

/** A process manager definition or its runtime wiring is malformed (bad name, missing handler). */
export class InvalidProcessManagerError extends OrdoError {
  readonly code = 'INVALID_PROCESS_MANAGER';
}

/** A trigger's process data did not match the definition's `data` schema. */
export class InvalidProcessDataError extends OrdoError {
  readonly code = 'INVALID_PROCESS_DATA';
  constructor(
    readonly processName: string,
    readonly processId: string,
    readonly issues: readonly { readonly message: string }[],
  ) {
    super(`Process ${processName}/${processId} data is invalid: ${issues.map((issue) => issue.message).join('; ')}`);
  }
}

/**
 * A compensation failed: the process stopped in `needs-attention`. Thrown for the process's
 * `CompensationFailed` event so the runner parks it, where status and dead-letter tools show it.
 */
export class ProcessNeedsAttentionError extends OrdoError {
  readonly code = 'PROCESS_NEEDS_ATTENTION';
  constructor(
    readonly processName: string,
    readonly processId: string,
    readonly failure: ProcessFailure | undefined,
  ) {
    super(
      `Process ${processName}/${processId} needs attention: compensation of step ${failure?.step ?? '?'} failed (${failure?.code ?? 'unknown'}: ${failure?.message ?? ''})`,
    );
  }
}
