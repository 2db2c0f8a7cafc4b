import { createCommandHandler, createInMemoryEventStore, createStateCache } from '@ordo/core';
import { createInMemoryReadStore, createProjectionRunner, createStoreEventSource } from '@ordo/projections';
import { createSqliteEventStore } from '@ordo/sqlite';
import { balances } from '../balance-projection.js';
import { account } from '../bank-account.js';
import { concurrentCallers } from '../concurrent-callers.js';
import { rate } from '../harness.js';
import { installTelemetryMode, type TelemetryMode } from '../telemetry-modes.js';
import { tempDatabasePath } from '../temp-file.js';
import { seedOrdo } from './rebuild-seed.js';
import type { Figures } from './sqlite-workloads.js';

type Workload = (mode: TelemetryMode, args: number[]) => Promise<Figures>;

/** Concurrent single-event commands through a cached handler: what each command's spans and metrics cost. */
async function commandsOn(
  store: Parameters<typeof createCommandHandler>[1]['store'],
  callers: number,
  perCaller: number,
) {
  const handler = createCommandHandler(account, { store, cache: createStateCache({ maxStreams: 10_000 }) });
  const deposit = (caller: number) => handler.handle(String(caller), { type: 'Deposit', data: { amount: 1 } });
  await concurrentCallers(callers, Math.ceil(1_000 / callers), deposit);
  const { opsPerSecond } = await concurrentCallers(callers, perCaller, deposit);
  return { commandsPerSecond: opsPerSecond };
}

/** One sample per fresh process (`workload-child.ts telemetry <mode> <workload>`), the mode installed first. */
export const telemetryWorkloads: Record<string, Workload> = {
  async commandsInMemory(mode, [callers = 50, perCaller = 400]) {
    const remove = installTelemetryMode(mode);
    const figures = await commandsOn(createInMemoryEventStore(), callers, perCaller);
    await remove();
    return figures;
  },

  async commandsSqlite(mode, [callers = 50, perCaller = 200]) {
    const remove = installTelemetryMode(mode);
    const file = tempDatabasePath(`telemetry-${mode}.sqlite`);
    const store = createSqliteEventStore({ path: file.path });
    try {
      return await commandsOn(store, callers, perCaller);
    } finally {
      await store.close();
      file.remove();
      await remove();
    }
  },

  async rebuildInMemory(mode, [accounts = 1_000, eventsPerAccount = 200]) {
    const events = createInMemoryEventStore();
    await seedOrdo(events, { accounts, eventsPerAccount });
    const remove = installTelemetryMode(mode);
    const runner = createProjectionRunner({
      source: createStoreEventSource(events),
      store: createInMemoryReadStore(),
      projections: [balances],
    });
    await runner.catchUp();
    const eventsPerSecond = await rate(accounts * eventsPerAccount, () => runner.rebuild('balances'));
    await remove();
    return { eventsPerSecond };
  },
};
