import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getJson, positionOfEntityTag, startExampleProcess } from '@ordo-examples/stack/testing';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');

export {
  type ExampleProcess as OrdersProcess,
  getJson,
  getJsonAfter,
  headPosition,
  type JsonResponse,
  killHard,
  postCommand,
  stopGracefully,
} from '@ordo-examples/stack/testing';

/** Starts the example's entry point as a real process on a free port; resolves once it listens. */
export const startOrdersProcess = (env: Record<string, string>) => startExampleProcess(main, env);

const settled = ['completed', 'compensated', 'rejected', 'needs-attention'];

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
    if (status === 200 && done(body)) return { doc: body, position: positionOfEntityTag(headers.get('etag')) };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fulfilment ${orderId} did not get there within 15 s; last: ${JSON.stringify(last)}`);
}

/** The status document's history as `Type:step` strings, for exact order checks. */
export const historyOf = (doc: Record<string, unknown>) =>
  (doc.history as { type: string; step?: number }[]).map((entry) =>
    entry.step === undefined ? entry.type : `${entry.type}:${entry.step}`,
  );
