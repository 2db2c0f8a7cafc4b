import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../http-errors.js';

/** The header every console action carries; a cross-site page cannot set it without a CORS preflight, which is never granted. */
export const consoleActionHeader = 'ordo-console-action';

/** A console action that did not come from the console page (a possible cross-site request). */
export class ConsoleActionRefusedError extends HttpError {
  readonly code = 'CONSOLE_ACTION_REFUSED';
  readonly status = 403;
  constructor(reason: string) {
    super(`Console actions must come from the console itself: ${reason}`);
  }
}

/**
 * Guards the console's state-changing routes against cross-site requests: a POST only, with the
 * console's own header, and an `Origin` (when the browser sends one) equal to this server's.
 */
export const requireConsoleAction: MiddlewareHandler = async (c, next) => {
  if (c.req.header(consoleActionHeader) !== '1') throw new ConsoleActionRefusedError(`missing ${consoleActionHeader}`);
  if (c.req.header('sec-fetch-site') === 'cross-site') throw new ConsoleActionRefusedError('cross-site request');
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== new URL(c.req.url).origin) {
    throw new ConsoleActionRefusedError(`origin ${origin} is not this server's`);
  }
  await next();
};
