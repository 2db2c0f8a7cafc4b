import { assertEntityId, type CommandHandler, ConcurrencyError, type ExpectedVersion } from '@ordo/core';
import { Hono } from 'hono';
import type { z } from 'zod';
import { expectedVersionFromIfMatch, formatEntityTag } from './entity-tag.js';
import { PreconditionFailedError } from './http-errors.js';
import { assertSameRequest, idempotencyKeyOf, requestDigest, requestDigestKey } from './idempotency-key.js';
import { readJsonBody } from './json-body.js';
import { kebabCase } from './kebab-case.js';
import { createProblemHandler, type ProblemHandlerOptions } from './problem-response.js';
import { requestHeader } from './request-header.js';

// Structural, so handlers of any aggregate fit without the invariance of `Aggregate`'s generics.
export type AnyCommandHandler = CommandHandler<any>;

export const positionHeader = 'ordo-position';
export const defaultBodyLimit = 64 * 1024;

export interface CommandRoutesOptions {
  /** Collection segment; defaults to the aggregate name in kebab-case plus `s` (`Account` -> `accounts`). */
  readonly resource?: string;
  /**
   * The command types to serve (default: all). Leave out the ones only your process managers
   * send, so clients cannot issue them.
   */
  readonly only?: readonly string[];
  /** Per command type, a path of your own; it must contain `:id`. */
  readonly paths?: Readonly<Record<string, string>>;
  /** Largest accepted body in bytes (default 64 KiB). */
  readonly bodyLimit?: number;
}

/** One generated command route, as the OpenAPI generator describes it. */
export interface CommandRoute {
  readonly aggregate: string;
  readonly commandType: string;
  /** Hono syntax: `/accounts/:id/commands/deposit`. */
  readonly path: string;
  readonly schema: z.ZodType;
}

export function describeCommandRoutes(handler: AnyCommandHandler, options: CommandRoutesOptions = {}): CommandRoute[] {
  const { aggregate } = handler;
  const resource = options.resource ?? `${kebabCase(aggregate.name)}s`;
  const commands = Object.entries(aggregate.commands as Record<string, z.ZodType>);
  const unknown = options.only?.filter((type) => !commands.some(([commandType]) => commandType === type)) ?? [];
  if (unknown.length > 0) throw new TypeError(`${aggregate.name} has no command ${unknown.join(', ')}`);
  const served = options.only === undefined ? commands : commands.filter(([type]) => options.only?.includes(type));
  return served.map(([commandType, schema]) => {
    const path = options.paths?.[commandType] ?? `/${resource}/:id/commands/${kebabCase(commandType)}`;
    if (!path.includes(':id')) throw new TypeError(`Path ${path} for ${commandType} must contain :id`);
    return { aggregate: aggregate.name, commandType, path, schema };
  });
}

function describeExpected(expected: ExpectedVersion, ifMatch: string | undefined): string {
  return expected === -1 ? (ifMatch ?? '').trim() : String(expected);
}

/**
 * POST routes for every command of an aggregate. The body is the command's data; the answer
 * carries the new stream version (also as `ETag`) and the global position (also as `Ordo-Position`).
 * `If-Match: "3"` makes 3 the expected version (412 on mismatch); `Idempotency-Key` becomes the
 * command id, so a repeat returns the first result, and the key used with another command or body
 * is a 422. `:id` keeps the id rule (`entityIdSchema` of @ordo/core), else 400 `INVALID_ID`.
 *
 * @example
 * app.route('/', createCommandRoutes(createCommandHandler(account, { store })));
 * // POST /accounts/42/commands/deposit  {"amount": 500}
 */
export function createCommandRoutes(
  handler: AnyCommandHandler,
  options: CommandRoutesOptions & ProblemHandlerOptions = {},
): Hono {
  const app = new Hono();
  app.onError(createProblemHandler(options));
  registerCommandRoutes(app, handler, options);
  return app;
}

/** Adds an aggregate's command routes to an existing app (whose `onError` should be `createProblemHandler`). */
export function registerCommandRoutes(app: Hono, handler: AnyCommandHandler, options: CommandRoutesOptions = {}): void {
  const limit = options.bodyLimit ?? defaultBodyLimit;
  for (const route of describeCommandRoutes(handler, options)) {
    app.post(route.path, async (c) => {
      const id = c.req.param('id') ?? '';
      assertEntityId(id);
      const ifMatch = requestHeader(c, 'if-match');
      const expectedVersion = expectedVersionFromIfMatch(ifMatch);
      const commandId = idempotencyKeyOf(requestHeader(c, 'idempotency-key'));
      const data = await readJsonBody(c.req.raw, limit);
      const digest = commandId === undefined ? undefined : requestDigest(route.commandType, data);
      const commandOptions = {
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
        ...(commandId === undefined ? {} : { commandId, metadata: { [requestDigestKey]: digest } }),
      };
      let result: Awaited<ReturnType<AnyCommandHandler['handle']>>;
      try {
        result = await handler.handle(id, { type: route.commandType, data }, commandOptions);
      } catch (error) {
        if (error instanceof ConcurrencyError && expectedVersion !== undefined) {
          throw new PreconditionFailedError(describeExpected(expectedVersion, ifMatch), error.actual);
        }
        throw error;
      }
      if (result.deduplicated && commandId !== undefined && digest !== undefined) {
        assertSameRequest(commandId, digest, result.events);
      }
      const body = {
        id,
        streamId: result.streamId,
        streamVersion: result.streamVersion,
        position: result.position,
        deduplicated: result.deduplicated,
      };
      return c.json(body, 200, {
        etag: formatEntityTag(result.streamVersion),
        [positionHeader]: String(result.position),
      });
    });
  }
}
