import type { z } from 'zod';
import { EventSchemaError, UnknownEventTypeError } from './errors.js';
import type { NewEvent, RecordedEvent } from './event.js';
import type { SchemaMap } from './schema-map.js';

/** Turns a payload stored at `fromVersion` into the next version's shape. */
export type Upcaster = (data: unknown, event: RecordedEvent) => unknown;

/** Per event type, upcasters keyed by the schema version they upgrade from: `{ 1: v1ToV2, 2: v2ToV3 }`. */
export type UpcasterChains<Events extends SchemaMap> = {
  readonly [Type in keyof Events]?: Readonly<Record<number, Upcaster>>;
};

/**
 * Which stored payloads `decode` checks against their zod schema:
 * - `'always'` (default): every event, so a payload that fails its schema (hand-written rows, a
 *   schema tightened since) raises `EventSchemaError` and coercions/transforms run on every read.
 * - `'upcasted'`: only events stored at another schema version (upcasted or from newer code);
 *   events at the current version pass as stored, having been validated by `encode` when
 *   written. Choose it when only this codec writes the streams and its schemas are plain JSON
 *   (no `z.coerce`, `transform` or `default` whose output a stored payload lacks).
 */
export type ReadValidation = 'always' | 'upcasted';

export interface EventCodecOptions {
  readonly validateOnRead?: ReadValidation;
}

/** The typed recorded-event union for a schema map. */
export type RecordedEventOf<Events extends SchemaMap> = {
  [Type in keyof Events & string]: RecordedEvent<Type, z.output<Events[Type]>>;
}[keyof Events & string];

/**
 * Validates events on write and upcasts + validates them on read. Every read path of an
 * aggregate or projection goes through `decode`, so old payloads never reach user code.
 */
export interface EventCodec<Events extends SchemaMap = SchemaMap> {
  readonly schemas: Events;
  readonly validateOnRead: ReadValidation;
  handles(type: string): type is keyof Events & string;
  latestVersion(type: keyof Events & string): number;
  /** Validates a new event and stamps it with the latest schema version. */
  encode<E extends NewEvent>(event: E): E & { readonly schemaVersion: number };
  /** Upcasts a stored event to the latest version and validates it. */
  decode(event: RecordedEvent): RecordedEventOf<Events>;
}

export function createEventCodec<const Events extends SchemaMap>(
  schemas: Events,
  upcasters: UpcasterChains<Events> = {},
  { validateOnRead = 'always' }: EventCodecOptions = {},
): EventCodec<Events> {
  if (validateOnRead !== 'always' && validateOnRead !== 'upcasted') {
    throw new RangeError(`validateOnRead must be 'always' or 'upcasted', got ${String(validateOnRead)}`);
  }
  const latest = new Map<string, number>();
  for (const type of Object.keys(schemas)) {
    const chain = upcasters[type] ?? {};
    const fromVersions = Object.keys(chain)
      .map(Number)
      .sort((a, b) => a - b);
    fromVersions.forEach((version, index) => {
      if (version !== index + 1) {
        throw new Error(
          `Upcasters for ${type} must start at version 1 and be contiguous; got ${fromVersions.join(', ')}`,
        );
      }
    });
    latest.set(type, fromVersions.length + 1);
  }
  for (const type of Object.keys(upcasters)) {
    if (!(type in schemas)) throw new Error(`Upcasters name ${type}, which has no schema`);
  }

  const schemaOf = (type: string): z.ZodType | undefined =>
    Object.hasOwn(schemas, type) ? (schemas[type] as z.ZodType) : undefined;

  return {
    schemas,
    validateOnRead,
    handles: (type): type is keyof Events & string => latest.has(type),
    latestVersion: (type) => latest.get(type) ?? 1,

    encode(event) {
      const schema = schemaOf(event.type);
      if (schema === undefined) throw new UnknownEventTypeError(event.type);
      const parsed = schema.safeParse(event.data);
      if (!parsed.success) throw new EventSchemaError(event.type, parsed.error.issues);
      return { ...event, data: parsed.data, schemaVersion: latest.get(event.type) ?? 1 };
    },

    decode(event) {
      const schema = schemaOf(event.type);
      if (schema === undefined) throw new UnknownEventTypeError(event.type, event.streamId);
      const target = latest.get(event.type) ?? 1;
      // Stored at the current version by `encode`, which validated it: passed on as it is.
      if (validateOnRead === 'upcasted' && event.schemaVersion === target) return event as RecordedEventOf<Events>;
      let data = event.data;
      const chain = upcasters[event.type as keyof Events] ?? {};
      for (let version = event.schemaVersion; version < target; version += 1) {
        data = (chain[version] as Upcaster)(data, event);
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        throw new EventSchemaError(event.type, parsed.error.issues, {
          streamId: event.streamId,
          streamVersion: event.streamVersion,
          schemaVersion: event.schemaVersion,
        });
      }
      // An explicit literal: spreading a frozen envelope is several times slower on V8.
      return {
        id: event.id,
        type: event.type,
        schemaVersion: target,
        streamId: event.streamId,
        streamVersion: event.streamVersion,
        position: event.position,
        timestamp: event.timestamp,
        data: parsed.data,
        metadata: event.metadata,
      } as RecordedEventOf<Events>;
    },
  };
}
