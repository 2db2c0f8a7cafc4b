import type { ExpectedVersion } from './expected-version.js';

/** Issue shape shared with zod, so callers can render either without a mapping. */
export interface ValidationIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
}

/** Every error Ordo raises on purpose carries a stable machine-readable `code`. */
export abstract class OrdoError extends Error {
  abstract readonly code: string;
  override get name(): string {
    return this.constructor.name;
  }
}

/** The stream was not at the version the writer expected. */
export class ConcurrencyError extends OrdoError {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's version when the append was refused; 0 means the stream does not exist. */
    readonly actual: number,
  ) {
    super(`Stream ${streamId} expected version ${String(expected)} but is at ${actual}`);
  }
}

/** A `decide` rejected the command; `code` is the domain's own. */
export class DomainError<Code extends string = string> extends OrdoError {
  constructor(
    readonly code: Code,
    message: string = code,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** A command did not match its schema (or named an unknown command type). */
export class CommandValidationError extends OrdoError {
  readonly code = 'INVALID_COMMAND';
  constructor(
    readonly commandType: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`Command ${commandType} is invalid: ${formatIssues(issues)}`);
  }
}

/** An event's payload did not match its schema, on write or after upcasting on read. */
export class EventSchemaError extends OrdoError {
  readonly code = 'INVALID_EVENT';
  constructor(
    readonly eventType: string,
    readonly issues: readonly ValidationIssue[],
    readonly location: {
      readonly streamId?: string;
      readonly streamVersion?: number;
      readonly schemaVersion?: number;
    } = {},
  ) {
    const where =
      location.streamId === undefined ? 'on write' : `at ${location.streamId}@${location.streamVersion ?? '?'}`;
    const version = location.schemaVersion === undefined ? '' : ` (stored as schema v${location.schemaVersion})`;
    super(`Event ${eventType} ${where}${version} does not match its schema: ${formatIssues(issues)}`);
  }
}

/** A stream holds an event type its reader does not know. */
export class UnknownEventTypeError extends OrdoError {
  readonly code = 'UNKNOWN_EVENT_TYPE';
  constructor(
    readonly eventType: string,
    readonly streamId?: string,
  ) {
    super(`Unknown event type ${eventType}${streamId === undefined ? '' : ` in stream ${streamId}`}`);
  }
}

/** An event id is already used by a different event; ids are unique across the store. */
export class DuplicateEventIdError extends OrdoError {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(readonly eventId: string) {
    super(`Event id ${eventId} is already stored for a different event`);
  }
}

/** An event id that is not a UUID: every store keeps ids as lowercase UUIDs (EventStoreDB accepts nothing else). */
export class InvalidEventIdError extends OrdoError {
  readonly code = 'INVALID_EVENT_ID';
  constructor(readonly eventId: string) {
    super(`Event id ${JSON.stringify(eventId)} is not a UUID (nor the nil UUID); event ids must be UUIDs`);
  }
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues
    .map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.map(String).join('.')}: ${issue.message}`))
    .join('; ');
}
