import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');

export interface BankingProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
}

/** Starts `npm start`'s entry point as a real process on a free port and resolves once it listens. */
export async function startBankingProcess(dataDir: string): Promise<BankingProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@ordo/source', main], {
    env: { ...process.env, PORT: '0', ORDO_DATA_DIR: dataDir },
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
    child.once('exit', (code) => reject(new Error(`banking exited with ${code} before listening:\n${output}`)));
  });
  return { url, child, output: () => output };
}

export async function killHard(process: BankingProcess): Promise<void> {
  process.child.kill('SIGKILL');
  if (process.child.exitCode === null && process.child.signalCode === null) await once(process.child, 'exit');
}

/** POSTs a JSON command; returns status, parsed body and headers. */
export async function postCommand(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

export async function getJson(url: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}
