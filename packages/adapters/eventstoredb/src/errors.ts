import { OrdoError } from '@ordo/core';

/**
 * An event came without a usable `$all` position: beyond `Number.MAX_SAFE_INTEGER`, or the "no
 * position" marker servers before 22.10 send on stream reads.
 */
export class EsdbPositionError extends OrdoError {
  readonly code = 'ESDB_POSITION_OUT_OF_RANGE';
  constructor(readonly position: bigint) {
    super(
      `EventStoreDB position ${position} is not usable (beyond Number.MAX_SAFE_INTEGER, or missing: ` +
        'stream reads carry $all positions from EventStoreDB 22.10 on)',
    );
  }
}

/** The server read back something other than the events an append wrote: the log was changed under us. */
export class EsdbAppendMismatchError extends OrdoError {
  readonly code = 'ESDB_APPEND_MISMATCH';
  constructor(
    readonly streamId: string,
    readonly detail: string,
  ) {
    super(`Append to ${streamId} could not be confirmed: ${detail}`);
  }
}
