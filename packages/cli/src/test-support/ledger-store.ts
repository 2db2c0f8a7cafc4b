import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProjectionRunner, createStoreEventSource } from '@ordo/projections';
import { createSqliteDeadLetterStore, createSqliteEventStore, createSqliteReadStore } from '@ordo/sqlite';
import { balances, deposits } from './ledger-domain.js';
import { configFixture } from './run-cli.js';

/** A fresh SQLite file per test, and the args/env that point `ordo` at it through the fixture config. */
export function ledgerFile(label: string) {
  const dir = mkdtempSync(join(tmpdir(), `ordo-cli-${label}-`));
  const path = join(dir, 'ledger.sqlite');
  return {
    dir,
    path,
    env: { ORDO_TEST_DB: path },
    config: ['--config', configFixture] as const,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Opens the file the way a server would: events, read models and dead letters on one connection. */
export function openLedger(path: string) {
  const store = createSqliteEventStore({ path });
  const readStore = createSqliteReadStore({ database: store.database });
  const deadLetters = createSqliteDeadLetterStore({ database: store.database });
  const runner = createProjectionRunner({
    source: createStoreEventSource(store),
    store: readStore,
    deadLetters,
    projections: [balances, deposits],
    retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
  });
  return { store, readStore, deadLetters, runner, close: () => store.close() };
}

export type Ledger = ReturnType<typeof openLedger>;

/** Appends `count` deposits spread over `ledgers` ledgers (each opened first). */
export async function seedLedgers(ledger: Ledger, ledgers: number, deposits: number): Promise<void> {
  for (let i = 0; i < ledgers; i += 1) {
    await ledger.store.appendToStream(`ledger-${i}`, [{ type: 'Opened', data: { owner: `owner ${i}` } }]);
  }
  const batch = 500;
  for (let done = 0; done < deposits; done += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, deposits - done) }, (_, k) =>
        ledger.store.appendToStream(`ledger-${(done + k) % ledgers}`, [
          { type: 'Deposited', data: { amount: 1 }, schemaVersion: 2 },
        ]),
      ),
    );
  }
}
