import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type Ledger, ledgerFile, openLedger, seedLedgers } from '../test-support/ledger-store.js';
import { binPath, nodeArgs, runCli, startCli, workspaceRoot } from '../test-support/run-cli.js';

const files: ReturnType<typeof ledgerFile>[] = [];
afterEach(() => {
  for (const file of files.splice(0)) file.remove();
});

async function seeded(label: string, deposits: number) {
  const file = ledgerFile(label);
  files.push(file);
  const ledger = openLedger(file.path);
  await seedLedgers(ledger, 5, deposits);
  await ledger.runner.catchUp();
  const before = await documents(ledger, 'balances');
  await ledger.close();
  return { file, before };
}

async function documents(ledger: Ledger, name: string) {
  const page = await ledger.readStore.find(name, { limit: 1000 });
  return page.items.map((item) => ({ id: item.id, document: item.document }));
}

/** Reopens the file after the CLI exited, runs `inspect`, closes it. */
async function inspect<T>(path: string, look: (ledger: Ledger) => Promise<T>): Promise<T> {
  const ledger = openLedger(path);
  try {
    return await look(ledger);
  } finally {
    await ledger.close();
  }
}

// The terminal sequence the bar redraws with: carriage return, then "erase line".
const eraseLine = '\u001b\\[2K';

describe('ordo rebuild', () => {
  it('builds a new collection beside the live one, switches the alias and drops the old one', async () => {
    const { file, before } = await seeded('switch', 40);
    const run = await runCli(['rebuild', 'balances', ...file.config], file.env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^Building balances v1 into balances_v1_rcli\w+, beside live balances_v1\n/);
    expect(run.stderr).toMatch(/^balances: 100% 45\/45 events {2}[\d,]+ ev\/s {2}ETA 0s$/m);
    expect(run.stderr).not.toContain('\r');
    const collection =
      /Switched balances to (balances_v1_rcli\w+) at position 45 \(0 parked\); dropped balances_v1\n$/.exec(
        run.stdout,
      )?.[1];
    expect(collection).toBeDefined();
    await inspect(file.path, async (ledger) => {
      expect(await ledger.readStore.resolveAlias('balances')).toBe(collection);
      expect(await ledger.readStore.listCollections()).not.toContain('balances_v1');
      expect(await documents(ledger, 'balances')).toEqual(before);
    });
  });

  it('refuses to switch while another process has the store open, keeps the build, and resumes it later', async () => {
    const { file } = await seeded('in-use', 20);
    const server = openLedger(file.path);
    await server.store.headPosition();
    const refused = await runCli(['rebuild', 'balances', ...file.config], file.env);
    expect(refused.code).toBe(4);
    const line = refused.stderr.trim().split('\n').at(-1) ?? '';
    expect(line).toMatch(
      /^ordo rebuild: STORE_IN_USE: built (balances_v1_rcli\w+) to position 25 but did not switch: another process has .*ledger\.sqlite open/,
    );
    expect(line).toContain('Live balances_v1 untouched');
    const build = /built (balances_v1_rcli\w+)/.exec(line)?.[1] ?? '';
    expect(await server.readStore.resolveAlias('balances')).toBe('balances_v1');
    // The server goes on writing while the build waits.
    await server.store.appendToStream('ledger-0', [{ type: 'Deposited', data: { amount: 7 }, schemaVersion: 2 }]);
    await server.runner.catchUp();
    await server.close();

    const resumed = await runCli(['rebuild', 'balances', ...file.config], file.env);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`Resuming (committed up to position`);
    expect(resumed.stderr).toContain(`into ${build}, beside live balances_v1`);
    expect(resumed.stdout).toContain(`Switched balances to ${build} at position 26`);
    await inspect(file.path, async (ledger) => {
      expect((await ledger.readStore.get('balances', 'ledger-0'))?.document).toEqual({ owner: 'owner 0', balance: 11 });
    });
  });

  it('starts over with --restart, dropping the unfinished build', async () => {
    const { file, before } = await seeded('restart', 10);
    const server = openLedger(file.path);
    await server.store.headPosition();
    const refused = await runCli(['rebuild', 'balances', ...file.config], file.env);
    await server.close();
    expect(refused.code).toBe(4);
    const abandoned = /built (balances_v1_rcli\w+)/.exec(refused.stderr)?.[1] ?? '';
    const restarted = await runCli(['rebuild', 'balances', '--restart', ...file.config], file.env);
    expect(restarted.code).toBe(0);
    expect(restarted.stderr).toMatch(/^Building balances v1 into balances_v1_rcli\w+/);
    const collection = /Switched balances to (balances_v1_rcli\w+)/.exec(restarted.stdout)?.[1];
    expect(collection).not.toBe(abandoned);
    await inspect(file.path, async (ledger) => {
      expect(await ledger.readStore.listCollections()).not.toContain(abandoned);
      expect(await ledger.readStore.resolveAlias('balances')).toBe(collection);
      expect(await documents(ledger, 'balances')).toEqual(before);
    });
  });

  it('stops on Ctrl-C with the live collection untouched and the partial build resumable', async () => {
    const { file, before } = await seeded('interrupt', 600);
    const cli = startCli(['rebuild', 'balances', '--batch-size', '20', ...file.config], {
      ...file.env,
      ORDO_TEST_SLOW_MS: '4',
    });
    await cli.waitFor('stderr', /^balances: \d+% /m);
    cli.child.kill('SIGINT');
    const run = await cli.exited;
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(
      /Interrupted: live balances_v1 untouched; balances_v1_rcli\w+ kept at position \d+\. Run the same command again to resume\./,
    );
    const build = /(balances_v1_rcli\w+) kept/.exec(run.stderr)?.[1] ?? '';
    const partial = await inspect(file.path, async (ledger) => {
      expect(await ledger.readStore.resolveAlias('balances')).toBe('balances_v1');
      expect(await documents(ledger, 'balances')).toEqual(before);
      return [...(await ledger.readStore.checkpoints.load(build)).values()];
    });
    expect(partial.length).toBeGreaterThan(0);
    expect(Math.min(...partial)).toBeLessThan(605);

    const resumed = await runCli(['rebuild', 'balances', ...file.config], file.env);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`Resuming (committed up to position`);
    expect(resumed.stdout).toContain(`Switched balances to ${build} at position 605`);
    await inspect(file.path, async (ledger) => expect(await documents(ledger, 'balances')).toEqual(before));
  });

  it('draws a live progress bar on a terminal', async () => {
    const { file } = await seeded('tty', 300);
    const command = ['node', ...nodeArgs, binPath, 'rebuild', 'balances', '--batch-size', '20', ...file.config].join(
      ' ',
    );
    const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], {
      cwd: workspaceRoot,
      env: { ...process.env, ...file.env, ORDO_TEST_SLOW_MS: '2' },
    });
    const frames =
      stdout.match(
        new RegExp(
          `\r${eraseLine}balances \\[[#.]{30}\\] \\d+% [\\d,]+/[\\d,]+ events {2}[\\d,]+ ev/s {2}ETA \\w+`,
          'g',
        ),
      ) ?? [];
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.at(-1)).toContain(`[${'#'.repeat(30)}] 100% 305/305 events`);
    expect(stdout).toMatch(/Switched balances to balances_v1_rcli\w+ at position 305/);
  });

  it('exits 1 for an unknown projection and 2 for a missing or extra argument', async () => {
    const { file } = await seeded('errors', 1);
    const unknown = await runCli(['rebuild', 'nope', ...file.config], file.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^ordo rebuild: UNKNOWN_PROJECTION: No projection or process manager named nope/);
    const missing = await runCli(['rebuild', ...file.config], file.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(
      'ordo rebuild: USAGE: expected <projection>, got none (see ordo rebuild --help)',
    );
    const extra = await runCli(['rebuild', 'a', 'b', ...file.config], file.env);
    expect(extra.code).toBe(2);
    const badOption = await runCli(['rebuild', 'balances', '--bogus', ...file.config], file.env);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/^ordo rebuild: USAGE: Unknown option '--bogus'/);
  });
});

describe('ordo replay', () => {
  it('rebuilds from the events after a position only, then switches', async () => {
    const { file } = await seeded('replay', 20);
    const run = await runCli(['replay', 'deposits', '--from', '15', '--json', ...file.config], file.env);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      collection: string;
      previous: string;
      position: number;
      fromPosition: number;
    };
    expect(summary).toMatchObject({ previous: 'deposits_v1', position: 25, fromPosition: 15 });
    expect(summary.collection).toMatch(/^deposits_v1_rcli\w+_from15$/);
    await inspect(file.path, async (ledger) => {
      const page = await ledger.readStore.find('deposits', { limit: 100 });
      // Positions 16..25 are deposits: one document each, nothing from before.
      expect(page.items.map((item) => item.position).sort((a, b) => a - b)).toEqual([
        16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
      ]);
    });
  });

  it('requires --from as a non-negative integer (exit 2)', async () => {
    const { file } = await seeded('replay-args', 1);
    const missing = await runCli(['replay', 'deposits', ...file.config], file.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe('ordo replay: USAGE: --from <position> is required (see ordo replay --help)');
    const bad = await runCli(['replay', 'deposits', '--from', 'soon', ...file.config], file.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from must be a non-negative integer, got "soon"');
  });
});
