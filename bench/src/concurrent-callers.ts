import { percentile, rate, timeMs } from './harness.js';

export interface ConcurrentFigures extends Record<string, number> {
  readonly opsPerSecond: number;
  readonly p99: number;
}

/** Runs `perCaller` sequential operations in each of `callers` concurrent loops. */
export async function concurrentCallers(
  callers: number,
  perCaller: number,
  operation: (caller: number, i: number) => Promise<unknown>,
): Promise<ConcurrentFigures> {
  const latencies: number[] = [];
  const opsPerSecond = await rate(callers * perCaller, () =>
    Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        for (let i = 0; i < perCaller; i += 1) latencies.push(await timeMs(() => operation(caller, i)));
      }),
    ),
  );
  return {
    opsPerSecond,
    p99: percentile(
      latencies.sort((a, b) => a - b),
      99,
    ),
  };
}
