import type { EachBatchPayload } from 'kafkajs';

export interface BatchHeartbeat {
  /** The failure that ended this member's hold on the group (e.g. REBALANCE_IN_PROGRESS); no heartbeat follows it. */
  readonly error: unknown;
  /** Awaits `work`, heartbeating every tick until it settles, so the group keeps this member meanwhile. */
  during<T>(work: Promise<T>): Promise<T>;
}

export interface BatchHeartbeatOptions {
  readonly tickMs: number;
  /** Whether a heartbeat failure means the group moved on; any other failure is retried on the next tick. */
  readonly isFinal: (error: unknown) => boolean;
  /** Told about every failed heartbeat, final or not. */
  readonly onError: (error: unknown) => void;
}

/**
 * Heartbeats for an `eachBatch` that waits on the runner. A final failure is kept rather than thrown:
 * the batch must still wait for what the runner holds before kafkajs may rejoin the group. A transient
 * one (a broken connection, a coordinator moving) does not stop the heartbeats, or a long write would
 * get the member evicted while it still writes.
 */
export function createHeartbeat(
  payload: Pick<EachBatchPayload, 'heartbeat'>,
  options: BatchHeartbeatOptions,
): BatchHeartbeat {
  let error: unknown;
  let failed = false;
  return {
    get error() {
      return error;
    },
    async during<T>(work: Promise<T>): Promise<T> {
      const settled = work.then((value) => ({ value }));
      while (true) {
        let timer: NodeJS.Timeout | undefined;
        const tick = new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), options.tickMs);
        });
        const outcome = await Promise.race([settled, tick]).finally(() => clearTimeout(timer));
        if (outcome !== undefined) return outcome.value;
        if (failed) continue;
        try {
          await payload.heartbeat();
        } catch (cause) {
          options.onError(cause);
          if (options.isFinal(cause)) {
            failed = true;
            error = cause;
          }
        }
      }
    },
  };
}
