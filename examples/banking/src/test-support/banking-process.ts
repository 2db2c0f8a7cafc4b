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

/**
 * Starts `npm start`'s entry point as a real process on a free port and resolves once it listens.
 * `env` chooses its store: `ORDO_DATA_DIR`, or the production stack's variables.
 */
export async function startBankingProcess(env: Record<string, string>): Promise<BankingProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@ordo/source', main], {
    env: { ...process.env, ...env, PORT: '0' },
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

/** SIGTERM, then waits for the exit: the server closes its consumers, relay and clients. */
export async function stopGracefully(process: BankingProcess): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return;
  const exited = once(process.child, 'exit');
  process.child.kill('SIGTERM');
  await exited;
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

/**
 * GETs a document once the projection has passed `position` (read-your-writes). A 503 (still
 * behind, e.g. while Kafka consumers join their group after a restart) is asked again, up to 60 s.
 */
export async function getJsonAfter(url: string, path: string, position: number | string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await getJson(url, path, { 'ordo-after-position': String(position) });
    if (answer.status !== 503 || Date.now() > deadline) return answer;
  }
}

/** The head position the projections report, to wait for everything written before this call. */
export async function headPosition(url: string): Promise<number> {
  const { body } = await getJson(url, '/projections');
  return Math.max(0, ...(body.items as { headPosition: number }[]).map((item) => item.headPosition));
}

/** Runs `npm run rebuild`'s script against a running server; resolves with its exit code and output. */
export function runRebuild(
  url: string,
  projections: readonly string[] = [],
): Promise<{ code: number | null; output: string }> {
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'rebuild.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@ordo/source', script, ...projections], {
    env: { ...process.env, BANKING_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** Every document of a query resource, following cursors to the end. */
export async function listAll(url: string, resource: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await getJson(url, `/${resource}?limit=100${cursor === undefined ? '' : `&cursor=${cursor}`}`);
    items.push(...(page.body.items as unknown[]));
    cursor = page.body.nextCursor as string | undefined;
  } while (cursor !== undefined);
  return items;
}
