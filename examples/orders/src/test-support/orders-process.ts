import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');

export interface OrdersProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
}

/**
 * Starts `npm run start:orders`'s entry point as a real process on a free port; resolves once it
 * listens. `env` chooses its store (`ORDO_DATA_DIR`, or the production stack's variables) and settings.
 */
export async function startOrdersProcess(env: Record<string, string>): Promise<OrdersProcess> {
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
    child.once('exit', (code) => reject(new Error(`orders exited with ${code} before listening:\n${output}`)));
  });
  return { url, child, output: () => output };
}

export async function killHard(process: OrdersProcess): Promise<void> {
  process.child.kill('SIGKILL');
  if (process.child.exitCode === null && process.child.signalCode === null) await once(process.child, 'exit');
}

/** SIGTERM, then waits for the exit: the server closes its consumers, relay and clients. */
export async function stopGracefully(process: OrdersProcess): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return;
  const exited = once(process.child, 'exit');
  process.child.kill('SIGTERM');
  await exited;
}

export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function json(response: Response): Promise<JsonResponse> {
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** POSTs a JSON command; returns status, parsed body and headers. */
export async function postCommand(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return json(
    await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  );
}

export async function getJson(url: string, path: string, headers: Record<string, string> = {}) {
  return json(await fetch(`${url}${path}`, { headers }));
}

/**
 * GETs a document once the projection has passed `position` (read-your-writes). A 503 (still
 * behind, e.g. while Kafka consumers join their group after a restart) is asked again, up to 60 s.
 */
export async function getJsonAfter(url: string, path: string, position: number | string): Promise<JsonResponse> {
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

const settled = ['completed', 'compensated', 'needs-attention'];

/**
 * Polls an order's fulfilment status document until `done` holds (bounded: 15 s). Resolves with
 * the document and its ETag position, a read-your-writes token covering every effect before it.
 */
export async function waitForFulfilment(
  url: string,
  orderId: string,
  done: (doc: Record<string, unknown>) => boolean = (doc) => settled.includes(doc.status as string),
): Promise<{ doc: Record<string, unknown>; position: string }> {
  const deadline = Date.now() + 15_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const { status, body, headers } = await getJson(url, `/fulfilments/${orderId}`);
    last = body;
    if (status === 200 && done(body)) return { doc: body, position: (headers.get('etag') ?? '').replaceAll('"', '') };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fulfilment ${orderId} did not get there within 15 s; last: ${JSON.stringify(last)}`);
}

/** The status document's history as `Type:step` strings, for exact order checks. */
export const historyOf = (doc: Record<string, unknown>) =>
  (doc.history as { type: string; step?: number }[]).map((entry) =>
    entry.step === undefined ? entry.type : `${entry.type}:${entry.step}`,
  );
