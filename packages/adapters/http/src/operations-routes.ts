import { OrdoError } from '@ordo/core';
import { InvalidQueryError, type ProjectionStatus, UnknownProjectionError } from '@ordo/projections';
import { Hono } from 'hono';
import { z } from 'zod';
import { InvalidBodyError, NotFoundError, NotReadyError, RebuildInProgressError } from './http-errors.js';
import { readJsonBody } from './json-body.js';
import { createProblemHandler, type ProblemHandlerOptions } from './problem-response.js';
import type { ProjectionOperator } from './projection-ports.js';
import { projectionMetrics } from './prometheus-metrics.js';

export interface OperationsRoutesOptions {
  /** Status, lag, parked events and their retry; usually the projection runner. */
  readonly projections?: ProjectionOperator;
  /** Readiness probes by name, each resolving once its dependency answers: `{ events: () => store.headPosition() }`. */
  readonly checks?: Readonly<Record<string, () => Promise<unknown>>>;
  /** `/ready` fails while a serving projection lags by more positions than this; default 1000. */
  readonly maxReadyLag?: number;
  /** A probe slower than this counts as down; default 2 s. */
  readonly checkTimeoutMs?: number;
  /** Where the projection routes live; default `/projections`. */
  readonly prefix?: string;
  /**
   * What `GET /metrics` serves, in the Prometheus text format: e.g. the OpenTelemetry Prometheus
   * exporter's output (`prometheusMetrics` from `@ordo/opentelemetry`). Default: the projection gauges.
   */
  readonly metrics?: () => Promise<string>;
}

type CheckResult = { readonly status: 'up' } | { readonly status: 'down'; readonly code: string };

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'down', code: 'TIMEOUT' }), timeoutMs);
  });
  const run = Promise.resolve()
    .then(check)
    .then(
      (): CheckResult => ({ status: 'up' }),
      // The error's message may carry connection strings: report its code only.
      (error: unknown): CheckResult => ({
        status: 'down',
        code: error instanceof OrdoError ? error.code : 'UNREACHABLE',
      }),
    );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const deadLetterQuerySchema = z.strictObject({
  partition: z.coerce.number().int().min(0).optional(),
  partitionKey: z.string().min(1).max(512).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const retryBodySchema = z.strictObject({ partitionKey: z.string().min(1).max(512).optional() }).optional();
const positionSchema = z.coerce.number().int().min(1);

function issuePaths(issues: readonly z.core.$ZodIssue[]) {
  return issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
}

function summary(status: ProjectionStatus) {
  const { name, version, collection, role, state, headPosition, lag, parked } = status;
  return { name, version, collection, role, state, headPosition, lag, parked };
}

function withoutUndefined<T extends Record<string, unknown>>(value: T) {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/**
 * `GET /health` (liveness), `GET /ready` (probes answer, serving projections caught up within a
 * bound), `GET /metrics` (projection lag in the Prometheus text format), and under `/projections`: status and lag per partition, parked events, retry and skip.
 * Mount them behind your own authentication: they expose what an operator needs.
 *
 * @example
 * app.route('/', createOperationsRoutes({ projections: runner, checks: { events: () => store.headPosition() } }));
 */
export function createOperationsRoutes(options: OperationsRoutesOptions & ProblemHandlerOptions = {}): Hono {
  const app = new Hono();
  app.onError(createProblemHandler(options));
  registerOperationsRoutes(app, options);
  return app;
}

/** Adds the operations routes to an existing app (whose `onError` should be `createProblemHandler`). */
export function registerOperationsRoutes(app: Hono, options: OperationsRoutesOptions = {}): void {
  const { projections } = options;
  const maxReadyLag = options.maxReadyLag ?? 1000;
  const checkTimeoutMs = options.checkTimeoutMs ?? 2000;
  const prefix = options.prefix ?? '/projections';

  async function statusesOf(name: string): Promise<ProjectionStatus[]> {
    const matching = ((await projections?.statusAll()) ?? []).filter((status) => status.name === name);
    if (matching.length === 0) throw new UnknownProjectionError(name);
    return matching;
  }
  const runner = (): ProjectionOperator => projections as ProjectionOperator;

  app.get('/health', (c) => c.json({ status: 'ok' }));

  app.get('/ready', async (c) => {
    const entries = Object.entries(options.checks ?? {});
    const results = await Promise.all(entries.map(([, check]) => probe(check, checkTimeoutMs)));
    const checks: Record<string, unknown> = Object.fromEntries(entries.map(([name], i) => [name, results[i]]));
    let ready = results.every((result) => result.status === 'up');
    if (projections !== undefined) {
      const statuses = await projections.statusAll().catch(() => undefined);
      if (statuses === undefined) checks.projections = { status: 'down', code: 'UNREACHABLE' };
      ready &&= statuses !== undefined;
      for (const status of statuses ?? []) {
        if (status.role !== 'serving') continue;
        const up = status.lag <= maxReadyLag && status.state !== 'halted' && status.state !== 'stopped';
        ready &&= up;
        checks[`projection:${status.name}`] = { status: up ? 'up' : 'down', state: status.state, lag: status.lag };
      }
    }
    if (!ready) throw new NotReadyError(checks);
    return c.json({ status: 'ready', checks });
  });

  app.get('/metrics', async (c) => {
    const text = options.metrics ? await options.metrics() : projectionMetrics((await projections?.statusAll()) ?? []);
    return c.body(text, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });

  app.get(prefix, async (c) => c.json({ items: ((await projections?.statusAll()) ?? []).map(summary) }));

  app.get(`${prefix}/:name`, async (c) => c.json({ items: await statusesOf(c.req.param('name')) }));

  // The rebuild runs in this process, beside the live version its runner keeps serving. A running
  // runner returns once the fresh collection is registered; it serves once `serving` names it.
  app.post(`${prefix}/:name/rebuild`, async (c) => {
    const name = c.req.param('name');
    const statuses = await statusesOf(name);
    const { rebuild } = runner();
    if (rebuild === undefined) throw new NotFoundError('ROUTE_NOT_FOUND', 'This server does not run rebuilds');
    if (statuses.some((status) => status.role === 'rebuilding')) throw new RebuildInProgressError(name);
    await rebuild.call(projections, name);
    const after = await statusesOf(name);
    const target =
      after.find((status) => status.role === 'rebuilding') ?? after.find((status) => status.role === 'serving');
    return c.json({ collection: target?.collection, items: after }, 202);
  });

  app.get(`${prefix}/:name/dead-letters`, async (c) => {
    const name = c.req.param('name');
    const parsed = deadLetterQuerySchema.safeParse(c.req.query());
    if (!parsed.success) throw new InvalidQueryError(issuePaths(parsed.error.issues));
    await statusesOf(name);
    const items = await runner().listParked(name, withoutUndefined(parsed.data));
    const last = items.at(-1);
    return c.json(
      items.length === parsed.data.limit && last !== undefined ? { items, nextAfter: last.position } : { items },
    );
  });

  app.post(`${prefix}/:name/dead-letters/retry`, async (c) => {
    const name = c.req.param('name');
    await statusesOf(name);
    const parsed = retryBodySchema.safeParse(await readJsonBody(c.req.raw, 4096));
    if (!parsed.success) throw new InvalidBodyError(issuePaths(parsed.error.issues));
    return c.json(await runner().retryParked(name, withoutUndefined(parsed.data ?? {})));
  });

  app.delete(`${prefix}/:name/dead-letters/:position`, async (c) => {
    const name = c.req.param('name');
    const position = positionSchema.safeParse(c.req.param('position'));
    if (!position.success) throw new InvalidQueryError(issuePaths(position.error.issues));
    await statusesOf(name);
    await runner().skipParked(name, position.data);
    return c.body(null, 204);
  });
}
