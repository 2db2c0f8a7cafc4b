import { Hono } from 'hono';
import {
  type AnyCommandHandler,
  type CommandRoutesOptions,
  describeCommandRoutes,
  registerCommandRoutes,
} from './command-routes.js';
import type { ConsoleOptions } from './console/console-options.js';
import { consolePath, createConsoleRoutes } from './console/console-routes.js';
import { NotFoundError } from './http-errors.js';
import { httpTelemetry } from './http-telemetry.js';
import {
  commandOperations,
  createOpenApiDocument,
  type OpenApiInfo,
  type OpenApiOperation,
  operationsOperations,
  queryOperations,
} from './openapi-document.js';
import { type OperationsRoutesOptions, registerOperationsRoutes } from './operations-routes.js';
import { createProblemHandler, type ProblemHandlerOptions } from './problem-response.js';
import type { ProjectionOperator, ProjectionProgress } from './projection-ports.js';
import { defaultMaxLimit, type QueryRoutesOptions, queryResourceOf, registerQueryRoutes } from './query-routes.js';

/** A command handler, optionally with its own paths or resource name. */
export type CommandsConfig = AnyCommandHandler | ({ readonly handler: AnyCommandHandler } & CommandRoutesOptions);

export interface OrdoAppOptions extends ProblemHandlerOptions {
  readonly commands?: readonly CommandsConfig[];
  /** Query routes per projection: its definition and the read store (and `progress`, else `runner`). */
  readonly queries?: readonly QueryRoutesOptions[];
  /** The projection runner: read-your-writes for every query route, status and dead letters for operations. */
  readonly runner?: ProjectionProgress & ProjectionOperator;
  /** Health, readiness, projection status and dead letters; `/health` is always served. */
  readonly operations?: OperationsRoutesOptions;
  /** Largest accepted body in bytes for every command route (default 64 KiB). */
  readonly bodyLimit?: number;
  /** Serves `/openapi.json` (default title `Ordo API`); `false` turns it off. */
  readonly openapi?: OpenApiInfo | false;
  /**
   * The Ordo Console under `/console`: off unless set. `true` shows projections and dead letters;
   * options add the event store (streams, live tail, correlation search), process managers and a `guard`.
   */
  readonly console?: ConsoleOptions | boolean;
}

function commandsConfig(config: CommandsConfig): { handler: AnyCommandHandler } & CommandRoutesOptions {
  return 'handler' in config ? config : { handler: config };
}

/**
 * A hono app with command, query and operations routes and `/openapi.json`; every error is
 * problem+json. Serve it with `startServer`, or mount it in your own app with `app.route('/api', ordo)`.
 *
 * @example
 * const app = createOrdoApp({
 *   commands: [createCommandHandler(account, { store })],
 *   queries: [{ projection: balances, store: readStore }],
 *   runner,
 * });
 * const server = await startServer(app, { port: 3000 });
 */
export function createOrdoApp(options: OrdoAppOptions = {}): Hono {
  const app = new Hono();
  const documented: OpenApiOperation[] = [];
  app.use(httpTelemetry());
  app.onError(createProblemHandler(options));
  app.notFound((c) => {
    throw new NotFoundError('ROUTE_NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`);
  });

  for (const config of options.commands ?? []) {
    const { handler, ...routeOptions } = commandsConfig(config);
    const bodyLimit = routeOptions.bodyLimit ?? options.bodyLimit;
    registerCommandRoutes(app, handler, { ...routeOptions, ...(bodyLimit === undefined ? {} : { bodyLimit }) });
    documented.push(...commandOperations(describeCommandRoutes(handler, routeOptions)));
  }

  for (const query of options.queries ?? []) {
    const progress = query.progress ?? options.runner;
    registerQueryRoutes(app, { ...query, ...(progress === undefined ? {} : { progress }) });
    const { name, indexes, document } = query.projection;
    const resource = queryResourceOf(query);
    const maxLimit = query.maxLimit ?? defaultMaxLimit;
    documented.push(...queryOperations({ name, resource, indexes, maxLimit, ...(document ? { document } : {}) }));
  }

  const projections = options.operations?.projections ?? options.runner;
  registerOperationsRoutes(app, { ...options.operations, ...(projections === undefined ? {} : { projections }) });
  documented.push(...operationsOperations(options.operations?.prefix ?? '/projections'));

  if (options.console !== undefined && options.console !== false) {
    const consoleOptions = options.console === true ? {} : options.console;
    app.route(consolePath, createConsoleRoutes(consoleOptions, projections));
  }

  if (options.openapi !== false) {
    const info = options.openapi ?? { title: 'Ordo API', version: '1.0.0' };
    let document: string | undefined;
    app.get('/openapi.json', (c) => {
      document ??= JSON.stringify(createOpenApiDocument(info, documented));
      return c.body(document, 200, { 'content-type': 'application/json' });
    });
  }
  return app;
}
