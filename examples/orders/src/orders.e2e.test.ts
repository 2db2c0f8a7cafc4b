import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { ordersScenario } from './test-support/orders-scenario.js';

// One SQLite folder per store the scenario names ('main', 'strict', 'crash').
const dataDirs = new Map<string, string>();
const dataDirOf = (store: string): string => {
  const dir = dataDirs.get(store) ?? mkdtempSync(join(tmpdir(), `ordo-orders-${store}-`));
  dataDirs.set(store, dir);
  return dir;
};
afterAll(() => {
  for (const dir of dataDirs.values()) rmSync(dir, { recursive: true, force: true });
});

describe('orders example on the embedded default', () => {
  ordersScenario({
    env: (store) => ({ ORDO_DATA_DIR: dataDirOf(store) }),
    id: (name) => name,
    sku: (name) => name,
    freshEventStore: true,
  });
});
