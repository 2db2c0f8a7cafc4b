import { assertEntityId } from '@ordo/core';
import { type Document, InvalidQueryError } from '@ordo/projections';
import { type Context, Hono } from 'hono';
import { formatEntityTag, ifNoneMatchHits } from './entity-tag.js';
import { InvalidHeaderError, NotFoundError, ProjectionBehindError } from './http-errors.js';
import { kebabCase } from './kebab-case.js';
import { createProblemHandler, type ProblemHandlerOptions } from './problem-response.js';
import type { DocumentReader, ProjectionProgress, QueryableProjection } from './projection-ports.js';
import { parseListQuery } from './query-string.js';
import { requestHeader } from './request-header.js';

export const afterPositionHeader = 'ordo-after-position';

export interface QueryRoutesOptions {
  readonly projection: QueryableProjection;
  readonly store: DocumentReader;
  /** Enables read-your-writes (`?after=` / `Ordo-After-Position`); usually the projection runner. */
  readonly progress?: ProjectionProgress;
  /** Collection segment; defaults to the projection name in kebab-case (`account_balances` -> `account-balances`). */
  readonly resource?: string;
  /** Default 20. */
  readonly defaultLimit?: number;
  /** Largest page a client may ask for; default 100. */
  readonly maxLimit?: number;
  /** How long a read-your-writes query may wait before a 503; default 5 s. */
  readonly waitTimeoutMs?: number;
  /**
   * The stream version a document reflects (e.g. `(doc) => doc.version` for a projection of one
   * stream): the document's `ETag` is then `"<version>"`, which `If-Match` on that resource's
   * command routes accepts. Without it the ETag is the weak `W/"p<position>"`, for caches only.
   */
  readonly streamVersionOf?: (document: Document) => number | undefined;
}

export function queryResourceOf(options: Pick<QueryRoutesOptions, 'projection' | 'resource'>): string {
  return options.resource ?? kebabCase(options.projection.name);
}

export const defaultMaxLimit = 100;
const positionPattern = /^(0|[1-9]\d{0,15})$/;

function afterPositionOf(c: Context): number | undefined {
  const raw = requestHeader(c, afterPositionHeader) ?? c.req.query('after');
  if (raw === undefined) return undefined;
  if (!positionPattern.test(raw)) throw new InvalidHeaderError('Ordo-After-Position', 'expected a position, e.g. 42');
  return Number(raw);
}

/** The document's ETag: its stream version when known (usable in `If-Match`), else its position, weak. */
function documentEntityTag(
  stored: { readonly document: Document; readonly position: number },
  streamVersionOf: QueryRoutesOptions['streamVersionOf'],
): string {
  const version = streamVersionOf?.(stored.document);
  return Number.isSafeInteger(version)
    ? formatEntityTag(version as number)
    : `W/${formatEntityTag(`p${stored.position}`)}`;
}

/**
 * GET routes over a projection's documents: `/<resource>/:id` (ETag from the document's stream version or position,
 * `If-None-Match` -> 304) and `/<resource>` (filter on indexed fields, sort, bounded limit, cursor).
 * With `progress`, `?after=<position>` waits (bounded) until the projection has passed the position.
 *
 * @example
 * app.route('/', createQueryRoutes({ projection: balances, store: readStore, progress: runner }));
 * // GET /balances?filter[balance][gte]=100&sort=-balance&limit=20
 */
export function createQueryRoutes(options: QueryRoutesOptions & ProblemHandlerOptions): Hono {
  const app = new Hono();
  app.onError(createProblemHandler(options));
  registerQueryRoutes(app, options);
  return app;
}

/** Adds the query routes to an existing app (whose `onError` should be `createProblemHandler`). */
export function registerQueryRoutes(app: Hono, options: QueryRoutesOptions): void {
  const { projection, store, progress } = options;
  const name = projection.name;
  const resource = queryResourceOf(options);
  const limits = { defaultLimit: options.defaultLimit ?? 20, maxLimit: options.maxLimit ?? defaultMaxLimit };
  const waitTimeoutMs = options.waitTimeoutMs ?? 5000;

  async function waitUntilCaughtUp(c: Context): Promise<void> {
    const position = afterPositionOf(c);
    if (position === undefined) return;
    if (progress === undefined) {
      throw new InvalidQueryError([{ path: ['after'], message: 'read-your-writes is not enabled on this route' }]);
    }
    const outcome = await progress.waitFor(name, position, { timeoutMs: waitTimeoutMs, signal: c.req.raw.signal });
    if (outcome.status === 'timeout') {
      throw new ProjectionBehindError(name, position, outcome.lag, Math.max(1, Math.ceil(waitTimeoutMs / 1000)));
    }
  }

  app.get(`/${resource}/:id`, async (c) => {
    assertEntityId(c.req.param('id'));
    await waitUntilCaughtUp(c);
    const id = c.req.param('id');
    const stored = await store.get(name, id);
    if (stored === undefined) throw new NotFoundError('DOCUMENT_NOT_FOUND', `No ${resource} document ${id}`);
    const etag = documentEntityTag(stored, options.streamVersionOf);
    // Plain Responses with plain-object headers: hono would build a `Headers` for two or more.
    if (ifNoneMatchHits(requestHeader(c, 'if-none-match'), etag)) {
      return new Response(null, { status: 304, headers: { etag } });
    }
    return new Response(stored.json ?? JSON.stringify(stored.document), {
      status: 200,
      headers: { 'content-type': 'application/json', etag },
    });
  });

  app.get(`/${resource}`, async (c) => {
    const url = c.req.url;
    const queryStart = url.indexOf('?');
    const params = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
    const query = parseListQuery(params, projection.indexes, limits);
    await waitUntilCaughtUp(c);
    const page = await store.find(name, query);
    const items = page.items.map(({ id, position, document }) => ({ id, position, document }));
    return c.json(page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor });
  });
}
