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

/** The position in a query document's weak ETag (`W/"p1187"` -> `1187`): a read-your-writes token. */
export function positionOfEntityTag(etag: string | null): string {
  const match = /^W\/"p(\d+)"$/.exec(etag ?? '');
  if (match?.[1] === undefined) throw new Error(`ETag ${etag} is not a document position`);
  return match[1];
}
