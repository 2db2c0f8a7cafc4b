import type { RecordedEvent } from '@ordo/core';
import { InvalidQueryError, UnknownProjectionError } from '@ordo/projections';
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { InvalidBodyError, NotFoundError, RebuildInProgressError } from '../http-errors.js';
import { readJsonBody } from '../json-body.js';
import type { ProjectionOperator } from '../projection-ports.js';
import { requireConsoleAction } from './console-csrf.js';
import type { ConsoleEventReader, ConsoleOptions } from './console-options.js';
import { findCorrelated } from './correlation-search.js';

const streamPageSchema = z.strictObject({
  from: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const tailSchema = z.strictObject({ after: z.coerce.number().int().min(0).optional() });
const idSchema = z.string().min(1).max(512);
const retryBodySchema = z.strictObject({ partitionKey: z.string().min(1).max(512).optional() });
const positionSchema = z.coerce.number().int().min(1);
const tailBacklog = 50;

function issuePaths(issues: readonly z.core.$ZodIssue[]) {
  return issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
}

function parseQuery<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidQueryError(issuePaths(parsed.error.issues));
  return parsed.data;
}

/** An event as the console shows it: the envelope, payload and metadata as they are stored. */
function consoleEvent(event: RecordedEvent) {
  const { id, type, schemaVersion, streamId, streamVersion, position, timestamp, data, metadata } = event;
  return { id, type, schemaVersion, streamId, streamVersion, position, timestamp, data, metadata };
}

interface ConsoleApiContext extends ConsoleOptions {
  readonly projections: ProjectionOperator | undefined;
}

/** The console's JSON and server-sent-event routes under `api/`; every state change goes through `requireConsoleAction`. */
export function registerConsoleApi(app: Hono, options: ConsoleApiContext): void {
  const { projections, processes = [] } = options;
  const liveIntervalMs = options.liveIntervalMs ?? 1_000;

  function operator(): ProjectionOperator {
    if (projections === undefined) throw new NotFoundError('ROUTE_NOT_FOUND', 'This server runs no projections');
    return projections;
  }
  function eventReader(): ConsoleEventReader {
    if (options.events === undefined)
      throw new NotFoundError('ROUTE_NOT_FOUND', 'The console was given no event store');
    return options.events;
  }
  async function requireProjection(name: string) {
    const matching = (await operator().statusAll()).filter((status) => status.name === name);
    if (matching.length === 0) throw new UnknownProjectionError(name);
    return matching;
  }

  app.get('/api/overview', async (c) =>
    c.json({
      projections: projections !== undefined,
      streams: options.events !== undefined,
      processes: processes.map((process) => process.name),
    }),
  );

  app.get('/api/projections', async (c) => c.json({ items: await operator().statusAll() }));

  // Projection status pushed at a steady pace: the page never polls, and a closed tab stops the loop.
  app.get('/api/live', (c) =>
    streamSSE(c, async (stream) => {
      while (!stream.aborted && !stream.closed) {
        const items = await operator().statusAll();
        await stream.writeSSE({ event: 'projections', data: JSON.stringify({ at: Date.now(), items }) });
        await stream.sleep(liveIntervalMs);
      }
    }),
  );

  app.post('/api/projections/:name/rebuild', requireConsoleAction, async (c) => {
    const name = c.req.param('name');
    const statuses = await requireProjection(name);
    const { rebuild } = operator();
    if (rebuild === undefined) throw new NotFoundError('ROUTE_NOT_FOUND', 'This server does not run rebuilds');
    if (statuses.some((status) => status.role === 'rebuilding')) throw new RebuildInProgressError(name);
    await rebuild.call(projections, name);
    return c.json({ items: await requireProjection(name) }, 202);
  });

  app.get('/api/projections/:name/dead-letters', async (c) => {
    const name = c.req.param('name');
    await requireProjection(name);
    return c.json({ items: await operator().listParked(name, { limit: 100 }) });
  });

  app.post('/api/projections/:name/dead-letters/retry', requireConsoleAction, async (c) => {
    const name = c.req.param('name');
    await requireProjection(name);
    const parsed = retryBodySchema.safeParse((await readJsonBody(c.req.raw, 4096)) ?? {});
    if (!parsed.success) throw new InvalidBodyError(issuePaths(parsed.error.issues));
    const { partitionKey } = parsed.data;
    return c.json(await operator().retryParked(name, partitionKey === undefined ? {} : { partitionKey }));
  });

  app.post('/api/projections/:name/dead-letters/:position/skip', requireConsoleAction, async (c) => {
    const name = c.req.param('name');
    const position = parseQuery(positionSchema, c.req.param('position'));
    await requireProjection(name);
    await operator().skipParked(name, position);
    return c.json({ skipped: position });
  });

  app.get('/api/streams/:id', async (c) => {
    const streamId = parseQuery(idSchema, c.req.param('id'));
    const { from, limit } = parseQuery(streamPageSchema, c.req.query());
    const items: ReturnType<typeof consoleEvent>[] = [];
    // One more than the page tells whether an older page exists.
    const read = eventReader().readStream(streamId, {
      direction: 'backward',
      ...(from === undefined ? {} : { from }),
      maxCount: limit + 1,
    });
    for await (const event of read) items.push(consoleEvent(event));
    const older = items.length > limit ? items.pop() : undefined;
    return c.json(older === undefined ? { items } : { items, nextFrom: older.streamVersion });
  });

  app.get('/api/correlations/:id', async (c) => {
    const correlationId = parseQuery(idSchema, c.req.param('id'));
    const scanLimit = options.correlationScanLimit ?? 100_000;
    const result = await findCorrelated(eventReader(), correlationId, { scanLimit, maxResults: 500 });
    return c.json({ ...result, events: result.events.map(consoleEvent) });
  });

  // The global log, live: the newest events first, then every append as it commits.
  app.get('/api/tail', async (c) => {
    const events = eventReader();
    const requested = parseQuery(tailSchema, c.req.query()).after;
    const after = requested ?? Math.max(0, (await events.headPosition()) - tailBacklog);
    return streamSSE(c, async (stream) => {
      const subscription = events.subscribe({ after });
      stream.onAbort(() => void subscription.close());
      for await (const event of subscription) {
        if (stream.aborted || stream.closed) break;
        await stream.writeSSE({
          event: 'event',
          id: String(event.position),
          data: JSON.stringify(consoleEvent(event)),
        });
      }
      await subscription.close();
    });
  });

  app.get('/api/processes/:name', async (c) => {
    const name = c.req.param('name');
    const process = processes.find((candidate) => candidate.name === name);
    if (process === undefined) throw new NotFoundError('ROUTE_NOT_FOUND', `No process manager ${name} in the console`);
    const cursor = c.req.query('cursor');
    return c.json(await process.store.find(name, { limit: 100, ...(cursor === undefined ? {} : { cursor }) }));
  });
}
