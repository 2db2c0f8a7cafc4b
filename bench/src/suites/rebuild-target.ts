import type { Balance } from '../balance-projection.js';
import { timeMs } from '../harness.js';
import { maxRssMb, startRssSampler } from '../rss-sampler.js';
import { expectedBalance, type SeedShape } from './rebuild-seed.js';
import type { Figures } from './sqlite-workloads.js';

/** A seeded store and an empty read model, ready for one full rebuild. */
export interface RebuildTarget {
  rebuild(): Promise<void>;
  /** The read model's document for an account after the rebuild. */
  document(id: string): Promise<Balance | null>;
  close(): Promise<void>;
}

/**
 * Prepares (seeds or opens) outside the timing, times one rebuild, checks two documents, and reports
 * events/s, the RSS growth during the rebuild and the process's peak RSS.
 */
export async function measureRebuild(shape: SeedShape, prepare: () => Promise<RebuildTarget>): Promise<Figures> {
  const sampler = await startRssSampler();
  const started = performance.now();
  const target = await prepare();
  const prepareSeconds = (performance.now() - started) / 1000;
  // On stderr, for a sample that runs out of time: was it the seeding or the rebuild?
  console.error(`prepared in ${prepareSeconds.toFixed(1)} s; rebuilding`);
  try {
    const before = sampler.reset();
    const ms = await timeMs(() => target.rebuild());
    const rssGrowthMb = sampler.peakMb() - before;
    for (const id of ['account-0', `account-${shape.accounts - 1}`]) await check(target, id, shape);
    return {
      eventsPerSecond: ((shape.accounts * shape.eventsPerAccount) / ms) * 1000,
      rssGrowthMb,
      rssBeforeMb: before,
      prepareSeconds,
      peakRssMb: maxRssMb(),
    };
  } finally {
    await target.close();
    await sampler.stop();
  }
}

async function check(target: RebuildTarget, id: string, { eventsPerAccount }: SeedShape): Promise<void> {
  const doc = await target.document(id);
  const expected = {
    balance: expectedBalance(eventsPerAccount),
    count: eventsPerAccount,
    lastVersion: eventsPerAccount,
  };
  if (doc?.balance !== expected.balance || doc.count !== expected.count || doc.lastVersion !== expected.lastVersion) {
    throw new Error(`Wrong read model for ${id}: ${JSON.stringify(doc)}, expected ${JSON.stringify(expected)}`);
  }
}
