import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const binPath = fileURLToPath(new URL('../bin.ts', import.meta.url));
export const configFixture = fileURLToPath(new URL('./ledger-config.ts', import.meta.url));
export const workspaceRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const nodeArgs = ['--conditions=@ordo/source', '--import', 'tsx'];

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `ordo` child process with its output so far and waits on it (never on time). */
export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  output(): { stdout: string; stderr: string };
  /** Resolves once stdout or stderr (whichever `stream` names) matches. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<void>;
  exited: Promise<CliRun>;
}

/** Blanks the servers CI names for the integration suites: the CLI's tests run on SQLite files. */
export const embeddedStack = { ESDB_URL: '', PG_URL: '', KAFKA_BROKERS: '', MONGODB_URL: '' };

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [...nodeArgs, binPath, ...args], {
    cwd: workspaceRoot,
    env: { ...process.env, ...embeddedStack, ORDO_TEST_POISON: '', ORDO_TEST_SLOW_MS: '', ...env },
  });
  const text = { stdout: '', stderr: '' };
  const waiters: { stream: 'stdout' | 'stderr'; pattern: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(text[waiter.stream])) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    text.stdout += chunk.toString();
    check();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    text.stderr += chunk.toString();
    check();
  });
  const exited = new Promise<CliRun>((resolve) => {
    child.on('close', (code) => resolve({ code, ...text }));
  });
  return {
    child,
    output: () => ({ ...text }),
    waitFor: (stream, pattern) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ stream, pattern, resolve });
        check();
        void exited.then((run) => reject(new Error(`ordo exited (${run.code}) before ${pattern}: ${run.stderr}`)));
      }),
    exited,
  };
}

/** Runs `ordo` to completion. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return startCli(args, env).exited;
}
