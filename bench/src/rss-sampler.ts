import { Worker } from 'node:worker_threads';

// A worker thread samples RSS, so the peak is seen even while the main thread never yields to timers.
const samplerSource = `
const { workerData } = require('node:worker_threads');
const peak = new Int32Array(workerData);
setInterval(() => {
  const kb = Math.round(process.memoryUsage.rss() / 1024);
  if (kb > Atomics.load(peak, 0)) Atomics.store(peak, 0, kb);
}, 5);
`;

/** Process-wide peak RSS since `reset()`, sampled every 5 ms from a worker thread. */
export interface RssSampler {
  /** Starts a new window at the current RSS; returns it in MB. */
  reset(): number;
  /** Highest RSS seen since `reset()`, in MB. */
  peakMb(): number;
  stop(): Promise<void>;
}

export async function startRssSampler(): Promise<RssSampler> {
  const shared = new SharedArrayBuffer(4);
  const peak = new Int32Array(shared);
  const worker = new Worker(samplerSource, { eval: true, workerData: shared });
  await new Promise((resolve) => worker.once('online', resolve));
  const currentKb = () => Math.round(process.memoryUsage.rss() / 1024);
  return {
    reset() {
      const kb = currentKb();
      Atomics.store(peak, 0, kb);
      return kb / 1024;
    },
    peakMb: () => Math.max(Atomics.load(peak, 0), currentKb()) / 1024,
    stop: () => worker.terminate().then(() => undefined),
  };
}

/** The kernel's high-water mark of this process's RSS, in MB. */
export const maxRssMb = () => process.resourceUsage().maxRSS / 1024;
