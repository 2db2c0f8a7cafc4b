import type { AnyAggregate, RecordedEvent } from '@ordo/core';
import type { OrdoConfig } from './config.js';

/** The aggregate whose stream prefix (`account` for `account-42`) is the longest match, if any. */
export function aggregateFor(config: OrdoConfig, streamId: string): AnyAggregate | undefined {
  return (config.aggregates ?? [])
    .filter((aggregate) => streamId.startsWith(`${aggregate.streamPrefix}-`))
    .sort((a, b) => b.streamPrefix.length - a.streamPrefix.length)[0];
}

export interface DisplayedEvent {
  readonly event: RecordedEvent;
  /** Why the event is shown as stored rather than upcast (no aggregate, unknown type, invalid). */
  readonly raw?: string;
}

/** Upcasts and validates through the stream's aggregate codec; an event it cannot decode is shown as stored. */
export function decodeForDisplay(config: OrdoConfig, event: RecordedEvent): DisplayedEvent {
  const aggregate = aggregateFor(config, event.streamId);
  if (aggregate === undefined) return { event, raw: 'no aggregate' };
  if (!aggregate.codec.handles(event.type)) return { event, raw: `unknown to ${aggregate.name}` };
  try {
    return { event: aggregate.codec.decode(event) };
  } catch (error) {
    return { event, raw: error instanceof Error ? error.message : String(error) };
  }
}

/** One line per event for humans: position, time, stream@version, type (schema version), data. */
export function eventLine(displayed: DisplayedEvent): string {
  const { event } = displayed;
  const marker = displayed.raw === undefined ? '' : `  [as stored: ${displayed.raw}]`;
  return `${String(event.position).padStart(6)}  ${event.timestamp}  ${event.streamId}@${event.streamVersion}  ${event.type} v${event.schemaVersion}  ${JSON.stringify(event.data)}${marker}`;
}

export function eventJson(displayed: DisplayedEvent): string {
  return JSON.stringify(
    displayed.raw === undefined ? displayed.event : { ...displayed.event, undecoded: displayed.raw },
  );
}
