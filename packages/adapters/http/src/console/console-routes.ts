import { Hono } from 'hono';
import type { ProjectionOperator } from '../projection-ports.js';
import { registerConsoleApi } from './console-api.js';
import { type ConsoleAsset, loadConsoleAssets } from './console-assets.js';
import type { ConsoleOptions } from './console-options.js';

/** Where `createOrdoApp` mounts the console. */
export const consolePath = '/console';

// The page loads only its own script and style, and nothing may frame it.
const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The Ordo Console: a page for operators (projections and their lag, rebuilds, dead letters,
 * streams, process managers) and the API behind it. Opt-in; mount it behind `guard`.
 *
 * @example
 * app.route('/console', createConsoleRoutes({ events: store, guard: requireOperator }, runner));
 */
export function createConsoleRoutes(options: ConsoleOptions, projections: ProjectionOperator | undefined): Hono {
  const assets = loadConsoleAssets();
  const app = new Hono();
  if (options.guard !== undefined) app.use('*', options.guard);
  app.use('*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'same-origin');
    c.header('cache-control', 'no-store');
  });

  // Relative asset and API URLs need the trailing slash, wherever the console is mounted.
  app.get('/', (c) => c.redirect(`${new URL(c.req.url).pathname}/`, 308));
  app.get('/:page{(index\\.html)?}', (c) => {
    const page = assets.get('index.html') as ConsoleAsset;
    return c.body(page.body, 200, {
      'content-type': page.contentType,
      'content-security-policy': contentSecurityPolicy,
    });
  });
  app.get('/assets/:name', (c) => {
    const asset = c.req.param('name') === 'index.html' ? undefined : assets.get(c.req.param('name'));
    if (asset === undefined) return c.notFound();
    return c.body(asset.body, 200, { 'content-type': asset.contentType });
  });
  registerConsoleApi(app, { ...options, projections });
  return app;
}
