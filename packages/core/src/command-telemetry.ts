import type { AnyAggregate } from './aggregate.js';
import type { CommandHandler } from './command-handler.js';
import { CommandValidationError, ConcurrencyError, DomainError } from './errors.js';
import { getTelemetry, type InstrumentDescription } from './telemetry.js';

export const commandInstruments = {
  duration: {
    name: 'ordo.command.duration',
    description: 'Time to handle a command, retries included.',
    unit: 's',
  },
  outcomes: {
    name: 'ordo.command.outcomes',
    description: 'Commands handled, by outcome: ok, rejected, invalid, conflict, deduplicated or error.',
    unit: '{command}',
  },
  conflictRetries: {
    name: 'ordo.command.conflict_retries',
    description: 'Appends retried after a version conflict.',
    unit: '{retry}',
  },
  eventsAppended: { name: 'ordo.events.appended', description: 'Events appended by commands.', unit: '{event}' },
} satisfies Record<string, InstrumentDescription>;

export type CommandOutcome = 'ok' | 'rejected' | 'invalid' | 'conflict' | 'deduplicated' | 'error';

function outcomeOf(error: unknown): CommandOutcome {
  if (error instanceof DomainError) return 'rejected';
  if (error instanceof CommandValidationError) return 'invalid';
  if (error instanceof ConcurrencyError) return 'conflict';
  return 'error';
}

const isFailure = (error: unknown) => {
  const outcome = outcomeOf(error);
  return outcome === 'error' || outcome === 'conflict';
};

/** Wraps `handle` in a command span and records latency and outcome; untouched without telemetry. */
export function withCommandTelemetry<A extends AnyAggregate>(handler: CommandHandler<A>): CommandHandler<A> {
  const handle = handler.handle.bind(handler);
  const aggregate = handler.aggregate.name;
  return {
    ...handler,
    handle(id, command, options) {
      const telemetry = getTelemetry();
      if (!telemetry.enabled) return handle(id, command, options);
      const started = performance.now();
      const finish = (outcome: CommandOutcome) => {
        const attributes = {
          'ordo.aggregate': aggregate,
          'ordo.command.type': command.type,
          'ordo.command.outcome': outcome,
        };
        telemetry.histogram(commandInstruments.duration).record((performance.now() - started) / 1000, attributes);
        telemetry.counter(commandInstruments.outcomes).add(1, attributes);
      };
      const attributes = {
        'ordo.aggregate': aggregate,
        'ordo.command.type': command.type,
        'ordo.entity.id': id,
        'ordo.command.id': options?.commandId,
      };
      // A rejection leaves the span as an answer (an event, no error status): only errors and conflicts fail it.
      return telemetry.span(`command ${command.type}`, { attributes, isFailure }, async (span) => {
        try {
          const result = await handle(id, command, options);
          const outcome = result.deduplicated ? 'deduplicated' : 'ok';
          span.setAttributes({
            'ordo.stream.id': result.streamId,
            'ordo.stream.version': result.streamVersion,
            'ordo.position': result.position,
            'ordo.command.outcome': outcome,
          });
          if (result.events.length > 0 && !result.deduplicated) {
            telemetry
              .counter(commandInstruments.eventsAppended)
              .add(result.events.length, { 'ordo.aggregate': aggregate, 'ordo.command.type': command.type });
          }
          finish(outcome);
          return result;
        } catch (error) {
          const outcome = outcomeOf(error);
          span.setAttributes({ 'ordo.command.outcome': outcome });
          if (!isFailure(error)) span.addEvent(outcome, { 'ordo.error.code': (error as DomainError).code });
          finish(outcome);
          throw error;
        }
      });
    },
  };
}

const leafOptions = { leaf: true, isFailure } as const;

/** Runs one step of a command (validate, load, decide, append) in a child span when telemetry is on. */
export function traceCommandStep<T>(step: 'validate' | 'load' | 'decide' | 'append', fn: () => T): T {
  const telemetry = getTelemetry();
  // validate and decide are pure: nothing starts inside them, so they need not become the active span.
  const leaf = step === 'validate' || step === 'decide';
  return telemetry.enabled ? telemetry.span(`ordo.${step}`, leaf ? leafOptions : {}, fn) : fn();
}

/** Notes a conflict on the command span: `retry` when it will try again, `stale-cache` when the cache was behind. */
export function noteCommandConflict(
  aggregate: string,
  kind: 'retry' | 'stale-cache',
  error: unknown,
  attempt: number,
): void {
  const telemetry = getTelemetry();
  if (!telemetry.enabled) return;
  const conflict = error instanceof ConcurrencyError ? error : undefined;
  telemetry.activeSpan().addEvent(kind === 'retry' ? 'conflict.retry' : 'conflict.stale-cache', {
    'ordo.attempt': attempt,
    'ordo.expected_version': conflict === undefined ? undefined : String(conflict.expected),
    'ordo.actual_version': conflict?.actual,
  });
  if (kind === 'retry') telemetry.counter(commandInstruments.conflictRetries).add(1, { 'ordo.aggregate': aggregate });
}

/** The command span's trace context as event metadata, so what the events cause links back to it. */
export function traceMetadata(): Readonly<Record<string, string>> | undefined {
  const telemetry = getTelemetry();
  return telemetry.enabled ? telemetry.activeContext() : undefined;
}
