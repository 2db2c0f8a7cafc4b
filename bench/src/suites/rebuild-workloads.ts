import { copyFileSync, existsSync } from 'node:fs';
import { tempDatabasePath } from '../temp-file.js';
import { ordoInMemoryTarget, ordoSqliteTarget } from './rebuild-ordo.js';
import { peerInMemoryTarget, peerSqliteTarget } from './rebuild-peer.js';
import { measureRebuild } from './rebuild-target.js';
import type { Figures, Side } from './sqlite-workloads.js';

type RebuildWorkload = (side: Side, args: number[], raw: readonly string[]) => Promise<Figures>;

/** Child workloads `rebuild <side> memory <accounts> <events per account>` and `… sqlite <accounts> <events> <seeded file>`. */
export const rebuildWorkloads: Record<string, RebuildWorkload> = {
  memory: (side, [accounts = 10_000, eventsPerAccount = 100]) => {
    const shape = { accounts, eventsPerAccount };
    return measureRebuild(shape, () => (side === 'ordo' ? ordoInMemoryTarget(shape) : peerInMemoryTarget(shape)));
  },

  async sqlite(side, [accounts = 10_000, eventsPerAccount = 100], [, , seeded]) {
    if (seeded === undefined || !existsSync(seeded)) throw new Error(`No seeded file at ${seeded}`);
    const file = tempDatabasePath(`${side}.sqlite`);
    try {
      // A private copy: the rebuild writes its read model into the file it reads.
      copyFileSync(seeded, file.path);
      const shape = { accounts, eventsPerAccount };
      return await measureRebuild(shape, () =>
        side === 'ordo' ? ordoSqliteTarget(file.path) : peerSqliteTarget(file.path),
      );
    } finally {
      file.remove();
    }
  },
};
