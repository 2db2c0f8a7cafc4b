import { getTelemetry, type InstrumentDescription } from '@ordo/core';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

export const httpInstruments = {
  duration: {
    name: 'http.server.request.duration',
    description: 'Duration of HTTP server requests.',
    unit: 's',
  },
} satisfies Record<string, InstrumentDescription>;

/**
 * A server span per request, named `{method} {route}` with the HTTP semantic conventions' attributes,
 * continuing the caller's W3C `traceparent`; and the `http.server.request.duration` histogram.
 * A no-op without telemetry.
 */
export function httpTelemetry(): MiddlewareHandler {
  return async (c, next) => {
    const telemetry = getTelemetry();
    if (!telemetry.enabled) return next();
    const method = c.req.method;
    const url = new URL(c.req.url);
    const traceparent = c.req.header('traceparent');
    const tracestate = c.req.header('tracestate');
    const started = performance.now();
    await telemetry.span(
      method,
      {
        kind: 'server',
        ...(traceparent === undefined
          ? {}
          : { parent: tracestate === undefined ? { traceparent } : { traceparent, tracestate } }),
        attributes: {
          'http.request.method': method,
          'url.path': url.pathname,
          'url.query': url.search === '' ? undefined : url.search.slice(1),
          'url.scheme': url.protocol.replace(':', ''),
          'server.address': url.hostname,
          'server.port': url.port === '' ? undefined : Number(url.port),
          'user_agent.original': c.req.header('user-agent'),
        },
      },
      async (span) => {
        await next();
        const route = routePath(c, -1);
        const status = c.res.status;
        span.setName(route === '*' || route === '/*' ? method : `${method} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
        if (status >= 500) span.fail(c.error ?? new Error(`HTTP ${status}`));
        telemetry.histogram(httpInstruments.duration).record((performance.now() - started) / 1000, {
          'http.request.method': method,
          'http.route': route,
          'http.response.status_code': status,
          ...(status >= 500 ? { 'error.type': String(status) } : {}),
        });
      },
    );
  };
}
