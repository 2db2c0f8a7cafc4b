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

/** The stream was tombstoned (hard-deleted): it can never be read or written again. */
export class EsdbStreamDeletedError extends OrdoError {
  readonly code = 'ESDB_STREAM_DELETED';
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} is tombstoned in EventStoreDB and can no longer be read or written`);
  }
}

/** The server refused a batch larger than its `MaxAppendSize` (1 MiB by default); nothing was written. */
export class EsdbAppendTooLargeError extends OrdoError {
  readonly code = 'ESDB_APPEND_TOO_LARGE';
  constructor(
    readonly streamId: string,
    readonly eventCount: number,
    /** The server's limit in bytes, when it reported one. */
    readonly maxAppendSize: number | undefined,
  ) {
    super(
      `Append of ${eventCount} events to ${streamId} exceeds the server's MaxAppendSize` +
        `${maxAppendSize === undefined ? '' : ` (${maxAppendSize} bytes)`}; split the batch or raise the limit`,
    );
  }
}
