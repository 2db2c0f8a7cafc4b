import {
  createEventCodec,
  type EventCodec,
  type RecordedEvent,
  type RecordedEventOf,
  type SchemaMap,
  type UpcasterChains,
} from '@ordo/core';
import { z } from 'zod';
import { InvalidProjectionError } from './errors.js';
import type { Document, ReadModelOperation } from './read-model-operation.js';
import { type IndexDefinitions, indexDefinitionsSchema } from './read-model-query.js';

/** Anything with an event codec: an aggregate, or `fromEvents(schemas)`. */
export interface ProjectionSource<Events extends SchemaMap = SchemaMap> {
  readonly codec: EventCodec<Events>;
}

/** The decoded (upcast, validated) event union of one source. */
export type SourceEvent<Source> = Source extends ProjectionSource<infer Events> ? RecordedEventOf<Events> : never;

/** A projection source from bare event schemas (and upcasters), for events no local aggregate owns. */
export function fromEvents<const Events extends SchemaMap>(
  events: Events,
  upcasters?: UpcasterChains<Events>,
): ProjectionSource<Events> {
  return { codec: createEventCodec(events, upcasters) };
}

export type HandlerResult<Doc extends Document> =
  | ReadModelOperation<Doc>
  | readonly ReadModelOperation<Doc>[]
  | undefined;

export type ProjectionHandlers<Event extends RecordedEvent, Doc extends Document> = {
  readonly [Type in Event['type']]?: (event: Extract<Event, { type: Type }>) => HandlerResult<Doc>;
};

interface ProjectionCommon<Sources extends readonly ProjectionSource<any>[], Doc extends Document> {
  /** Letters, digits and `_`; the collections are `name_v<version>` and the query alias is `name`. */
  readonly name: string;
  /** Bump to rebuild from position 0 beside the live version. Defaults to 1. */
  readonly version?: number;
  /** Defaults to 1. Kafka-fed projections use the topic's partition count. */
  readonly partitions?: number;
  /** On the stored event envelope; defaults to the stream id, as the Kafka relay keys messages. */
  readonly partitionKey?: (event: RecordedEvent) => string;
  /** Fields the query side may filter and sort on. */
  readonly indexes?: IndexDefinitions;
  readonly sources: Sources;
  /** Optional document schema: pins the document type and documents it (OpenAPI). */
  readonly document?: z.ZodType<Doc>;
}

export interface HandlersProjectionConfig<Sources extends readonly ProjectionSource<any>[], Doc extends Document>
  extends ProjectionCommon<Sources, Doc> {
  /** Per event type, the operations to apply; types without a handler are skipped. */
  readonly handlers: ProjectionHandlers<SourceEvent<Sources[number]>, Doc>;
}

export interface EvolveProjectionConfig<Sources extends readonly ProjectionSource<any>[], Doc extends Document>
  extends ProjectionCommon<Sources, Doc> {
  /** The document an event belongs to; `undefined` skips the event. */
  readonly documentId: (event: SourceEvent<Sources[number]>) => string | undefined;
  /** Pure, must not mutate `doc`: the next document, or `null` to delete it. */
  readonly evolve: (doc: Doc | null, event: SourceEvent<Sources[number]>) => Doc | null;
}

export type ProjectionApply<Event extends RecordedEvent, Doc extends Document> =
  | { readonly kind: 'handlers'; handle(event: Event): readonly ReadModelOperation<Doc>[] }
  /** A reactor: async, with idempotent side effects; the checkpoint commits only after they settle. */
  | {
      readonly kind: 'react';
      react(event: Event): Promise<readonly ReadModelOperation<Doc>[]>;
      /** How many partition keys of one batch react at once; one key's events always run in order. */
      readonly concurrency: number;
    }
  | {
      readonly kind: 'evolve';
      documentId(event: Event): string | undefined;
      evolve(doc: Doc | null, event: Event): Doc | null;
    };

/** A normalised projection definition, as runners and stores consume it. */
export interface Projection<Event extends RecordedEvent = RecordedEvent, Doc extends Document = Document> {
  readonly name: string;
  readonly version: number;
  readonly partitions: number;
  /** `name_v<version>`: the physical collection this version writes. */
  readonly collection: string;
  readonly indexes: IndexDefinitions;
  /** Every event type some source decodes. */
  readonly eventTypes: readonly string[];
  readonly document?: z.ZodType<Doc>;
  partitionKey(event: RecordedEvent): string;
  /** Upcasts and validates through the source's codec; `undefined` when no source knows the type. */
  decode(event: RecordedEvent): Event | undefined;
  readonly apply: ProjectionApply<Event, Doc>;
}

// `any` because handlers take the event contravariantly, which makes projections invariant.
export type AnyProjection = Projection<any, any>;

/** The default partition key: the stream id, as the Kafka relay keys its messages. */
export const streamIdPartitionKey = (event: RecordedEvent): string => event.streamId;

/**
 * Whether a source partitioned by stream id (a Kafka topic fed by the relay) can feed the
 * projection: only when it kept the default partition key. A custom `partitionKey` (even one that
 * returns the stream id) and process managers (keyed by process id) read the event store instead.
 *
 * @example
 * const fromKafka = projections.filter(isStreamKeyed); // the rest: createStoreEventSource(events)
 */
export function isStreamKeyed(projection: Pick<AnyProjection, 'partitionKey'>): boolean {
  return projection.partitionKey === streamIdPartitionKey;
}

const nameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'letters, digits and _ only');

/**
 * Defines a projection: its sources (aggregates or `fromEvents`), partitioning, indexes, and either
 * per-event-type `handlers` returning operations or a document-level `documentId` + `evolve`.
 *
 * @example
 * const balances = defineProjection({
 *   name: 'balances',
 *   partitions: 4,
 *   sources: [account],
 *   indexes: { owner: 'string', balance: 'number' },
 *   documentId: (event) => event.streamId,
 *   evolve: (doc: Balance | null, event) =>
 *     event.type === 'AccountOpened'
 *       ? { owner: event.data.owner, balance: 0 }
 *       : doc && { ...doc, balance: doc.balance + (event.type === 'MoneyDeposited' ? event.data.amount : 0) },
 * });
 */
export function defineProjection<const Sources extends readonly ProjectionSource<any>[], Doc extends Document>(
  config: EvolveProjectionConfig<Sources, Doc>,
): Projection<SourceEvent<Sources[number]>, Doc>;
export function defineProjection<const Sources extends readonly ProjectionSource<any>[], Doc extends Document>(
  config: HandlersProjectionConfig<Sources, Doc>,
): Projection<SourceEvent<Sources[number]>, Doc>;
export function defineProjection(
  config:
    | HandlersProjectionConfig<readonly ProjectionSource[], Document>
    | EvolveProjectionConfig<readonly ProjectionSource[], Document>,
): Projection<RecordedEvent, Document> {
  const name = check('name', nameSchema, config.name);
  const version = check('version', z.number().int().min(1), config.version ?? 1);
  const partitions = check('partitions', z.number().int().min(1).max(4096), config.partitions ?? 1);
  const indexes = check('indexes', indexDefinitionsSchema, config.indexes ?? {});
  if (config.sources.length === 0) throw new InvalidProjectionError(`Projection ${name} has no sources`);

  const codecs = new Map<string, EventCodec>();
  for (const source of config.sources) {
    for (const type of Object.keys(source.codec.schemas)) if (!codecs.has(type)) codecs.set(type, source.codec);
  }
  const apply = toApply(name, config);
  const eventTypes =
    apply.kind === 'handlers' && 'handlers' in config
      ? [...codecs.keys()].filter((type) => Object.hasOwn(config.handlers, type))
      : [...codecs.keys()];
  return {
    name,
    version,
    partitions,
    collection: `${name}_v${version}`,
    indexes,
    eventTypes,
    ...(config.document === undefined ? {} : { document: config.document }),
    partitionKey: config.partitionKey ?? streamIdPartitionKey,
    decode: (event) => codecs.get(event.type)?.decode(event),
    apply,
  };
}

function toApply(
  name: string,
  config:
    | HandlersProjectionConfig<readonly ProjectionSource[], Document>
    | EvolveProjectionConfig<readonly ProjectionSource[], Document>,
): ProjectionApply<RecordedEvent, Document> {
  if ('evolve' in config) {
    if (typeof config.evolve !== 'function' || typeof config.documentId !== 'function') {
      throw new InvalidProjectionError(`Projection ${name} needs both documentId and evolve`);
    }
    return { kind: 'evolve', documentId: config.documentId, evolve: config.evolve };
  }
  if (!('handlers' in config) || typeof config.handlers !== 'object' || config.handlers === null) {
    throw new InvalidProjectionError(`Projection ${name} needs handlers, or documentId and evolve`);
  }
  const handlers = config.handlers as Readonly<Record<string, (event: RecordedEvent) => HandlerResult<Document>>>;
  return {
    kind: 'handlers',
    handle(event) {
      const handler = Object.hasOwn(handlers, event.type) ? handlers[event.type] : undefined;
      const result = handler?.(event);
      if (result === undefined) return [];
      return Array.isArray(result) ? result : [result as ReadModelOperation];
    },
  };
}

function check<T>(field: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidProjectionError(`Projection field ${field} is invalid: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  return parsed.data;
}
