import type { RecordedEvent } from '@ordo/core';
import { InvalidProjectionError } from './errors.js';
import {
  defineProjection,
  type HandlerResult,
  type Projection,
  type ProjectionSource,
  type SourceEvent,
} from './projection.js';
import type { Document, ReadModelOperation } from './read-model-operation.js';
import type { IndexDefinitions } from './read-model-query.js';

export type ReactorHandlers<Event extends RecordedEvent, Doc extends Document> = {
  // biome-ignore lint/suspicious/noConfusingVoidType: lets a handler be `async (event) => { await act(event); }`.
  readonly [Type in Event['type']]?: (event: Extract<Event, { type: Type }>) => Promise<HandlerResult<Doc> | void>;
};

export interface ReactorConfig<Sources extends readonly ProjectionSource<any>[], Doc extends Document> {
  /** Letters, digits and `_`; its documents (if any) live in `name_v<version>`. */
  readonly name: string;
  readonly version?: number;
  readonly partitions?: number;
  /** Defaults to the stream id; a process manager partitions by correlation id. */
  readonly partitionKey?: (event: RecordedEvent) => string;
  /**
   * How many partition keys of one batch react at once (default 32): handlers of different keys
   * overlap their I/O, while one key's events are always handled one after the other, in order.
   * 1 handles a partition's events strictly one at a time.
   */
  readonly concurrency?: number;
  readonly indexes?: IndexDefinitions;
  readonly sources: Sources;
  /**
   * Per event type, an async handler with side effects (commands, calls). They must be idempotent:
   * after a crash the batch is delivered again. Its returned operations commit with the checkpoint.
   */
  readonly handlers: ReactorHandlers<SourceEvent<Sources[number]>, Doc>;
}

export const defaultReactorConcurrency = 32;

function reactorConcurrency(concurrency: number | undefined): number {
  const value = concurrency ?? defaultReactorConcurrency;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidProjectionError(`Reactor concurrency must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * Defines a reactor: a projection whose handlers are async and may act on the world. The runner
 * runs it like any projection (same partitioning, retries, parking) and commits a batch's
 * checkpoint only after every handler of the batch has settled. Events of different partition
 * keys react concurrently (`concurrency`), those of one key in order.
 *
 * @example
 * const welcome = defineReactor({
 *   name: 'welcome_mail',
 *   sources: [account],
 *   handlers: {
 *     AccountOpened: async (event) => {
 *       await mailer.send({ idempotencyKey: event.id, to: event.data.owner });
 *     },
 *   },
 * });
 */
export function defineReactor<const Sources extends readonly ProjectionSource<any>[], Doc extends Document>(
  config: ReactorConfig<Sources, Doc>,
): Projection<SourceEvent<Sources[number]>, Doc> {
  const handlers = config.handlers as unknown as Readonly<
    Record<string, (event: RecordedEvent) => Promise<HandlerResult<Doc> | undefined>>
  >;
  // Validation, codecs and event-type filtering are the projection's; only `apply` differs.
  const base = defineProjection({
    ...config,
    handlers: Object.fromEntries(Object.keys(handlers).map((type) => [type, () => undefined])),
  } as Parameters<typeof defineProjection>[0]) as Projection<SourceEvent<Sources[number]>, Doc>;
  return {
    ...base,
    apply: {
      kind: 'react',
      concurrency: reactorConcurrency(config.concurrency),
      async react(event) {
        const handler = Object.hasOwn(handlers, event.type) ? handlers[event.type] : undefined;
        const result = await handler?.(event);
        if (result === undefined) return [];
        return Array.isArray(result) ? result : [result as ReadModelOperation<Doc>];
      },
    },
  };
}
