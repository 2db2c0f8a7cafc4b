import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent, RecordedEvent } from '@ordo/core';
import { EsdbPositionError } from './errors.js';
import type { EsdbEventData, EsdbJson, EsdbRecordedEvent } from './esdb-client.js';
import { toOrdoPosition } from './esdb-position.js';

/** The metadata key holding what Ordo stores beside the user's metadata. */
export const ordoMetadataKey = '$ordo';

interface OrdoMetadata {
  readonly schemaVersion: number;
}

/** An Ordo event as ESDB event data: the user's metadata plus `$ordo.schemaVersion` in the metadata JSON. */
export function toEventData(event: NewEvent): EsdbEventData {
  const ordo: OrdoMetadata = { schemaVersion: event.schemaVersion ?? 1 };
  return {
    id: event.id ?? randomUUID(),
    contentType: 'application/json',
    type: event.type,
    data: event.data as EsdbJson,
    metadata: { ...event.metadata, [ordoMetadataKey]: ordo },
  };
}

function splitMetadata(raw: unknown): { readonly metadata: EventMetadata; readonly schemaVersion: number } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) {
    return { metadata: {}, schemaVersion: 1 };
  }
  const { [ordoMetadataKey]: ordo, ...metadata } = raw as Record<string, unknown>;
  const schemaVersion = (ordo as Partial<OrdoMetadata> | undefined)?.schemaVersion;
  return { metadata, schemaVersion: Number.isSafeInteger(schemaVersion) ? (schemaVersion as number) : 1 };
}

/** An ESDB event as Ordo's envelope; stream reads carry `$all` positions from ESDB 22.10 on. */
export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  if (event.position === undefined) throw new EsdbPositionError(-1n);
  const { metadata, schemaVersion } = splitMetadata(event.metadata);
  return {
    id: event.id,
    type: event.type,
    schemaVersion,
    streamId: event.streamId,
    streamVersion: Number(event.revision) + 1,
    position: toOrdoPosition(event.position),
    timestamp: event.created.toISOString(),
    data: event.data,
    metadata,
  };
}

/** System streams and events (`$`-prefixed) are ESDB's own and never reach Ordo consumers. */
export function isSystemEvent(event: Pick<EsdbRecordedEvent, 'streamId' | 'type'>): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}
