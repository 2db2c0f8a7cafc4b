import type { EachBatchPayload } from 'kafkajs';

export interface BatchHeartbeat {
  /** The first heartbeat failure (e.g. REBALANCE_IN_PROGRESS), if any; no heartbeat is sent after it. */
  readonly error: unknown;
  /** Awaits `work`, heartbeating every tick until it settles, so the group keeps this member meanwhile. */
  during<T>(work: Promise<T>): Promise<T>;
}

/**
 * Heartbeats for an `eachBatch` that waits on the runner. A failure is kept rather than thrown:
 * the batch must still wait for what the runner holds before kafkajs may rejoin the group.
 */
export function createHeartbeat(
  payload: Pick<EachBatchPayload, 'heartbeat'>,
  tickMs: number,
  onError: (error: unknown) => void,
): BatchHeartbeat {
  let failed = false;
  let error: unknown;
  return {
    get error() {
      return error;
    },
    async during<T>(work: Promise<T>): Promise<T> {
      const settled = work.then((value) => ({ value }));
      while (true) {
        let timer: NodeJS.Timeout | undefined;
        const tick = new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), tickMs);
        });
        const outcome = await Promise.race([settled, tick]).finally(() => clearTimeout(timer));
        if (outcome !== undefined) return outcome.value;
        if (failed) continue;
        try {
          await payload.heartbeat();
        } catch (cause) {
          failed = true;
          error = cause;
          onError(cause);
        }
      }
    },
  };
}
