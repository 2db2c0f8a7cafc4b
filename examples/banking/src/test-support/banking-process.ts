import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getJson, startExampleProcess } from '@ordo-examples/stack/testing';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');

export {
  type ExampleProcess as BankingProcess,
  getJson,
  getJsonAfter,
  headPosition,
  type JsonResponse,
  killHard,
  positionOfEntityTag,
  postCommand,
  stopGracefully,
} from '@ordo-examples/stack/testing';

/** Starts the example's entry point as a real process on a free port; resolves once it listens. */
export const startBankingProcess = (env: Record<string, string>) => startExampleProcess(main, env);

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
