import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from './main.js';
import { ledgerFile, openLedger } from './test-support/ledger-store.js';
import { configFixture, runCli, workspaceRoot } from './test-support/run-cli.js';

describe('ordo (entry point)', () => {
  const file = ledgerFile('main');
  beforeAll(async () => {
    const ledger = openLedger(file.path);
    await ledger.store.appendToStream('ledger-1', [{ type: 'Opened', data: { owner: 'Ada' } }]);
    await ledger.close();
  });
  afterAll(() => file.remove());

  it('prints the command list on --help (exit 0) and on stderr with exit 2 when no command is given', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of commands) expect(help.stdout).toMatch(new RegExp(`^  ${command.name}\\s+\\S`, 'm'));
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Usage: ordo <command>');
  });

  it('prints each command its own --help with exit 0, without loading a config', async () => {
    for (const command of commands) {
      const run = await runCli([command.name, '--help', '--config', '/nonexistent.ts']);
      expect(run.code, command.name).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: ordo ${command.name} `));
    }
    const viaHelp = await runCli(['help', 'tail']);
    expect(viaHelp.stdout).toMatch(/^Usage: ordo tail /);
  });

  it('rejects an unknown command with exit 2 and one line', async () => {
    const run = await runCli(['rebuidl']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('ordo: USAGE: unknown command "rebuidl" (see ordo --help)\n');
  });

  it('finds the config through ORDO_CONFIG and runs through the bin shim', async () => {
    const viaEnv = await runCli(['status', 'balances'], { ...file.env, ORDO_CONFIG: configFixture });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stdout).toContain('balances');
    const shim = await promisify(execFile)(join(workspaceRoot, 'node_modules/.bin/ordo'), ['status', '--json'], {
      cwd: workspaceRoot,
      env: { ...process.env, ...file.env, ORDO_CONFIG: configFixture },
    });
    expect((JSON.parse(shim.stdout) as { headPosition: number }).headPosition).toBe(1);
  });

  it('exits 3 with a typed code when the config or its store is unavailable', async () => {
    const garbage = join(file.dir, 'garbage.sqlite');
    writeFileSync(garbage, 'this is not a database at all, just text'.repeat(10));
    const foreign = join(file.dir, 'foreign.sqlite');
    const database = new Database(foreign);
    database.exec('CREATE TABLE customers (id TEXT)');
    database.close();
    const badConfig = join(file.dir, 'bad.config.ts');
    writeFileSync(badConfig, 'export default { store: {}, projections: [] };\n');
    const throwingConfig = join(file.dir, 'throwing.config.ts');
    writeFileSync(throwingConfig, "throw new Error('cannot reach the vault');\n");
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [
        ['status', '--config', join(file.dir, 'missing.ts')],
        {},
        /^ordo status: CONFIG_NOT_FOUND: No config at .*missing\.ts/,
      ],
      [
        ['status', ...file.config],
        { ORDO_TEST_DB: join(file.dir, 'nope.sqlite') },
        /^ordo status: STORE_NOT_FOUND: No store at .*nope\.sqlite: the file does not exist/,
      ],
      [
        ['status', ...file.config],
        { ORDO_TEST_DB: garbage },
        /^ordo status: NOT_AN_ORDO_DATABASE: .*garbage\.sqlite is not an Ordo database: the file is not an SQLite database/,
      ],
      [
        ['stream', 'x-1', ...file.config],
        { ORDO_TEST_DB: foreign },
        /^ordo stream: NOT_AN_ORDO_DATABASE: .*no Ordo marker/,
      ],
      [
        ['status', '--config', badConfig],
        {},
        /^ordo status: INVALID_CONFIG: .*bad\.config\.ts: store must be an EventStore/,
      ],
      [
        ['tail', '--config', throwingConfig],
        {},
        /^ordo tail: CONFIG_FAILED: .*throwing\.config\.ts failed to load: cannot reach the vault/,
      ],
    ];
    for (const [args, env, pattern] of cases) {
      const run = await runCli(args, env);
      expect(run.code, args.join(' ')).toBe(3);
      expect(run.stderr).toMatch(pattern);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
