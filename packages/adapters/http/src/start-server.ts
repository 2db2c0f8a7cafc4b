import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { answerClientError } from './client-error-response.js';

export interface StartServerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Defaults to 127.0.0.1, so nothing is exposed beyond the host unless asked. */
  readonly hostname?: string;
}

export interface RunningServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops accepting, drops idle keep-alive connections and resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * Serves a hono app with `@hono/node-server` and resolves once it listens. Requests Node's HTTP
 * parser refuses (431 oversized headers, 400 bad framing) are answered with problem+json too.
 *
 * @example
 * const server = await startServer(createOrdoApp({ commands: [accounts] }), { port: 3000 });
 * console.log(`listening on ${server.url}`);
 * await server.close();
 */
export function startServer(app: Pick<Hono, 'fetch'>, options: StartServerOptions = {}): Promise<RunningServer> {
  const hostname = options.hostname ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname }, (info: AddressInfo) => {
      server.off('error', reject);
      const host = hostname.includes(':') ? `[${hostname}]` : hostname;
      resolve({
        port: info.port,
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error === undefined ? done() : fail(error)));
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
    server.on('clientError', answerClientError);
  });
}
