import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedStack, nodeArgs, runCli, workspaceRoot } from './test-support/run-cli.js';

const bankingConfig = ['--config', 'examples/banking/ordo.config.ts'];

/** Starts the banking example as a real server process on its own data dir; resolves once it listens. */
function startBankingServer(dataDir: string): Promise<ChildProcess> {
  const server = spawn(process.execPath, [...nodeArgs, 'examples/banking/src/main.ts'], {
    cwd: workspaceRoot,
    env: { ...process.env, ...embeddedStack, PORT: '0', ORDO_DATA_DIR: dataDir },
  });
  return new Promise((resolve, reject) => {
    let output = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ordo banking example on')) resolve(server);
    });
    server.on('exit', (code) => reject(new Error(`banking server exited ${code}: ${output}`)));
  });
}

describe('examples/banking/ordo.config.ts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-cli-banking-'));
  const env = { ORDO_DATA_DIR: dataDir };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reports status beside a running server, refuses to switch a rebuild under it, and switches once it stopped', async () => {
    const server = await startBankingServer(dataDir);
    let serverExit: Promise<number | null> | undefined;
    try {
      const status = await runCli(['status', ...bankingConfig], env);
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      for (const name of ['accounts', 'transactions', 'daily_totals']) {
        expect(status.stdout).toMatch(new RegExp(`^${name}\\s+projection\\s+v1\\s+${name}_v1\\s`, 'm'));
      }
      expect(status.stdout).toMatch(/^transfers\s+process manager\s+v1\s+transfers_v1\s/m);
      const stream = await runCli(['stream', 'account-alice', '--state', '--json', ...bankingConfig], env);
      expect(JSON.parse(stream.stdout)).toMatchObject({ aggregate: 'Account', state: { balance: 1_174_50 } });

      const refused = await runCli(['rebuild', 'accounts', ...bankingConfig], env);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain('STORE_IN_USE');
      expect(refused.stderr).toContain('Live accounts_v1 untouched');
    } finally {
      serverExit = new Promise((resolve) => server.on('exit', resolve));
      server.kill('SIGTERM');
    }
    expect(await serverExit).toBe(0);
    const rebuilt = await runCli(['rebuild', 'accounts', ...bankingConfig], env);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(
      /^Switched accounts to accounts_v1_rcli\w+ at position \d+ \(0 parked\); dropped accounts_v1$/m,
    );
  });
});
