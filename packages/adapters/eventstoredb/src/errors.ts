import { OrdoError } from '@ordo/core';

/**
 * An event came without a usable `$all` position: beyond `Number.MAX_SAFE_INTEGER`, or the "no
 * position" marker a stream read carries on servers before 22.10 and, on any server, for an event
 * written in an explicit transaction (its commit position is not in the stream index).
 */
export class EsdbPositionError extends OrdoError {
  readonly code = 'ESDB_POSITION_OUT_OF_RANGE';
  constructor(readonly position: bigint) {
    super(
      `EventStoreDB position ${position} is not usable (beyond Number.MAX_SAFE_INTEGER, or missing: ` +
        'stream reads carry $all positions from EventStoreDB 22.10 on, and never for events of explicit transactions)',
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

/**
 * The server refused a batch larger than its `MaxAppendSize` (1 MiB by default), or (KurrentDB 25)
 * one event larger than its `MaxAppendEventSize`; nothing was written.
 */
export class EsdbAppendTooLargeError extends OrdoError {
  readonly code = 'ESDB_APPEND_TOO_LARGE';
  constructor(
    readonly streamId: string,
    readonly eventCount: number,
    /** The server's limit in bytes, when it reported one. */
    readonly maxAppendSize: number | undefined,
    /** Which limit: the whole batch's or one event's. */
    readonly limit: 'batch' | 'event' = 'batch',
  ) {
    const name = limit === 'batch' ? 'MaxAppendSize' : 'MaxAppendEventSize (one event)';
    super(
      `Append of ${eventCount} events to ${streamId} exceeds the server's ${name}` +
        `${maxAppendSize === undefined ? '' : ` (${maxAppendSize} bytes)`}; split the batch or raise the limit`,
    );
  }
}

/**
 * The stream's first events were removed (`$maxCount`, `$maxAge`, a scavenge), so its history
 * cannot be folded: reading it, or appending as if it were new, would act on part of it.
 */
export class EsdbStreamTruncatedError extends OrdoError {
  readonly code = 'ESDB_STREAM_TRUNCATED';
  constructor(
    readonly streamId: string,
    /** The first version still readable, or `undefined` when none is. */
    readonly firstReadable: number | undefined,
    /** The stream's version on the server (its events, read or not). */
    readonly serverVersion: number | undefined,
  ) {
    super(
      `Stream ${streamId} lost its earliest events to $maxCount, $maxAge or a scavenge ` +
        `(${firstReadable === undefined ? 'none is readable' : `first readable version ${firstReadable}`}` +
        `${serverVersion === undefined ? '' : `, server version ${serverVersion}`}); its history cannot be folded`,
    );
  }
}

/**
 * Two events share one commit position (an explicit transaction: a database upgraded from ESDB 5 or
 * older, or a TCP client's transaction). Ordo's global position names one event, so they cannot be told apart.
 */
export class EsdbSharedPositionError extends OrdoError {
  readonly code = 'ESDB_SHARED_POSITION';
  constructor(readonly commitPosition: bigint) {
    super(
      `Several events share EventStoreDB commit position ${commitPosition} (an explicit transaction); ` +
        'Ordo needs one position per event and cannot read this part of $all',
    );
  }
}

/** A subscription dropped `attempts` times in a row (or with an error that cannot heal) and gave up. */
export class EsdbSubscriptionFailedError extends OrdoError {
  readonly code = 'ESDB_SUBSCRIPTION_FAILED';
  constructor(
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(
      `EventStoreDB subscription gave up after ${attempts} consecutive attempt(s): ` +
        `${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}
