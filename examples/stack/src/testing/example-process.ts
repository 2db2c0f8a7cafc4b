import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** An example server started as a real process. */
export interface ExampleProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
}

// The test's own environment may name servers (CI sets them for the integration suites): an
// embedded run (ORDO_DATA_DIR) must not pick them up, so they are blanked, which reads as unset.
const stackVariables = { ESDB_URL: '', PG_URL: '', KAFKA_BROKERS: '', MONGODB_URL: '' };

/**
 * Starts an example's entry point (`main`) as a real process on a free port and resolves once it
 * listens. `env` chooses its store: `ORDO_DATA_DIR`, or the production stack's variables.
 */
export async function startExampleProcess(main: string, env: Record<string, string>): Promise<ExampleProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@ordo/source', main], {
    env: { ...process.env, ...(env.ORDO_DATA_DIR === undefined ? {} : stackVariables), ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
      const listening = /on (http:\/\/localhost:\d+)/.exec(output);
      if (listening) resolve(listening[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`${main} exited with ${code} before listening:\n${output}`)));
  });
  return { url, child, output: () => output };
}

export async function killHard(process: ExampleProcess): Promise<void> {
  process.child.kill('SIGKILL');
  if (process.child.exitCode === null && process.child.signalCode === null) await once(process.child, 'exit');
}

/** SIGTERM, then waits for the exit: the server closes its consumers, relay and clients. */
export async function stopGracefully(process: ExampleProcess): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return;
  const exited = once(process.child, 'exit');
  process.child.kill('SIGTERM');
  await exited;
}
