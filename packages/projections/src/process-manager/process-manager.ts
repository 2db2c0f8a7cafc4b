import {
  backoffDelay,
  type CommandHandler,
  type CommandInputOf,
  type CommandResult,
  CommandValidationError,
  createCommandHandler,
  createStateCache,
  DomainError,
  deterministicUuid,
  type EventStore,
  type RecordedEvent,
  sleep,
} from '@ordo/core';
import type { z } from 'zod';
import { toParkedError } from '../dead-letter-store.js';
import type { RetryOptions } from '../failure-policy.js';
import type { AnyProjection, ProjectionSource } from '../projection.js';
import { defineReactor } from '../reactor.js';
import { type ReadModelOperation, upsert } from '../read-model-operation.js';
import type { Deadline, DeadlineStore } from './deadline-store.js';
import type { ProcessManagerDefinition, ProcessTargets, TargetCommand } from './define-process-manager.js';
import { InvalidProcessDataError, InvalidProcessManagerError, ProcessNeedsAttentionError } from './errors.js';
import type { ProcessAggregate, ProcessState } from './process-aggregate.js';
import { type ProcessDocument, toProcessDocument } from './process-document.js';
import { traceDeadline, traceProcessEvent, traceProcessStep } from './process-telemetry.js';

export interface ProcessManagerRuntime<Targets extends ProcessTargets> {
  /** Where process streams are written (the same store the targets use, or any other). */
  readonly store: EventStore;
  /** One command handler per target key. */
  readonly handlers: { readonly [K in keyof Targets]: CommandHandler<Targets[K]> };
  readonly deadlines: DeadlineStore;
  /** Attempts for a step command failing with anything but a `DomainError`, before the step fails as exhausted. */
  readonly retry?: Partial<RetryOptions>;
  readonly now?: () => Date;
  /** How many instances of one partition act at once (default 32); one instance's events always in order. */
  readonly concurrency?: number;
  /** Instances whose state stays in memory, so a step reads no process stream (default 10,000). */
  readonly cachedInstances?: number;
}

/** A process manager bound to its stores and target handlers. */
export interface ProcessManager<Data = unknown> {
  readonly name: string;
  /** Register with `createProjectionRunner`: it drives the processes and keeps a status document per instance. */
  readonly projection: AnyProjection;
  /** Starts an instance directly (instead of through a `startedBy` event); idempotent per id. */
  start(processId: string, data: unknown): Promise<CommandResult<ProcessState<Data>>>;
  /** The instance's current state from its stream. */
  load(processId: string): Promise<ProcessState<Data>>;
  /** Fires a due deadline: the awaited step times out (a no-op if it has moved on). */
  expire(deadline: Deadline): Promise<void>;
  /**
   * After an operator fixed what made a compensation fail: compensation resumes with that step.
   * Then `runner.retryParked(name, { partitionKey: processId })` releases the parked events.
   */
  resume(processId: string): Promise<ProcessState<Data>>;
}

type Outcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'rejected' | 'exhausted'; readonly code: string; readonly message: string };

const defaultStepRetry: RetryOptions = { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 1_000 };
// Bounds a chain of inline acts; a process longer than this goes on through the feed.
const maxInlineHops = 64;

/** Where `act` leaves the transition it recorded. */
interface Transition {
  recorded?: CommandResult<ProcessState>;
}

/** Ids seen recently, the oldest forgotten first once `capacity` is reached. */
function recentIds(capacity: number) {
  const ids = new Set<string>();
  return {
    has: (id: string) => ids.has(id),
    remember(id: string) {
      ids.add(id);
      if (ids.size > capacity) ids.delete(ids.values().next().value as string);
    },
  };
}

/**
 * Binds a process manager definition to an event store, target command handlers and a deadline
 * store. Register `projection` with the runner and the manager with a `createDeadlineScheduler`.
 * Every command it sends carries a command id derived from (process, instance, triggering event,
 * step), so a re-delivered event never applies a command twice.
 *
 * @example
 * const transfers = createProcessManager(transferProcess, { store, handlers: { accounts }, deadlines });
 * const runner = createProjectionRunner({ source, store: readStore, projections: [transfers.projection] });
 * const scheduler = createDeadlineScheduler({ deadlines, processManagers: [transfers] });
 */
export function createProcessManager<
  Sources extends readonly ProjectionSource<any>[],
  Targets extends ProcessTargets,
  DataSchema extends z.ZodType,
>(
  definition: ProcessManagerDefinition<Sources, Targets, DataSchema>,
  runtime: ProcessManagerRuntime<Targets>,
): ProcessManager<z.infer<DataSchema>> {
  const { name, steps, aggregate } = definition;
  for (const target of Object.keys(definition.targets)) {
    if (!Object.hasOwn(runtime.handlers, target)) {
      throw new InvalidProcessManagerError(`Process manager ${name} has no command handler for target ${target}`);
    }
  }
  // The manager writes its instances' streams itself, so their latest states are at hand in memory.
  const cache = createStateCache({ maxStreams: runtime.cachedInstances ?? 10_000 });
  const processes: CommandHandler<ProcessAggregate> = createCommandHandler(aggregate, { store: runtime.store, cache });
  const actedInline = recentIds(runtime.cachedInstances ?? 10_000);
  const retry = { ...defaultStepRetry, ...runtime.retry };
  const now = runtime.now ?? (() => new Date());
  const prefix = `${aggregate.streamPrefix}-`;
  const processIdOf = (streamId: string) => (streamId.startsWith(prefix) ? streamId.slice(prefix.length) : undefined);
  const triggers = definition.startedBy as unknown as Readonly<
    Record<string, (event: RecordedEvent) => { processId: string; data: unknown } | undefined>
  >;
  const correlate = definition.correlate as ((event: RecordedEvent) => string | undefined) | undefined;
  const awaited = new Set(steps.flatMap((step) => (step.awaits === undefined ? [] : [step.awaits.event])));
  const codecs = new Map(definition.sources.flatMap((s) => Object.keys(s.codec.schemas).map((t) => [t, s.codec])));

  // A saga's commands keep the correlation id of the event that caused them, so the request that
  // started a process and everything it caused share one (the instance id where none is given).
  const correlationOf = (processId: string, cause: RecordedEvent | undefined) =>
    cause?.metadata.correlationId ?? processId;
  const record = (
    processId: string,
    command: CommandInputOf<ProcessAggregate>,
    commandId: string,
    cause: RecordedEvent | undefined,
  ) =>
    processes.handle(processId, command, {
      commandId,
      correlationId: correlationOf(processId, cause),
      causationId: cause?.id ?? commandId,
    });

  const document = (state: ProcessState): ReadModelOperation<ProcessDocument> =>
    upsert(state.processId, toProcessDocument(name, steps, state));

  /** Sends a target command; a `DomainError` rejects the step, other errors are retried, then exhaust it. */
  async function send(command: TargetCommand<Targets>, commandId: string, processId: string, cause: RecordedEvent) {
    const handler = runtime.handlers[command.target] as CommandHandler<any>;
    let last: unknown;
    for (let attempt = 0; attempt < retry.maxAttempts; attempt += 1) {
      if (attempt > 0) await sleep(backoffDelay(attempt - 1, retry));
      try {
        await handler.handle(command.id, command.command, {
          commandId,
          correlationId: correlationOf(processId, cause),
          causationId: cause.id,
        });
        return { ok: true } satisfies Outcome;
      } catch (error) {
        if (error instanceof DomainError || error instanceof CommandValidationError) {
          return { ok: false, reason: 'rejected', code: error.code, message: error.message } satisfies Outcome;
        }
        last = error;
      }
    }
    const parked = toParkedError(last);
    return {
      ok: false,
      reason: 'exhausted',
      code: parked.code ?? parked.name,
      message: parked.message,
    } satisfies Outcome;
  }

  /**
   * What the state as of `event` calls for: at most one effect, then one recorded transition
   * (left in `transition`, so the caller can act on it right away).
   */
  async function act(
    state: ProcessState,
    event: RecordedEvent,
    transition: Transition = {},
  ): Promise<ProcessState | undefined> {
    const { processId } = state;
    const data = state.data as z.infer<DataSchema>;
    const id = (...parts: string[]) => deterministicUuid(name, processId, event.id, ...parts);
    const next = (command: CommandInputOf<ProcessAggregate>) =>
      record(processId, command, id('next'), event).then((result) => {
        transition.recorded = result;
        return result.state;
      });
    switch (state.status) {
      case 'running': {
        const step = steps[state.step];
        if (step === undefined) return next({ type: 'Finish', data: {} });
        if (step.command !== undefined) {
          const command = step.command(data);
          const traced = { name: step.name, index: state.step, action: 'command', processId } as const;
          const outcome = await traceProcessStep(name, traced, () =>
            send(command, id('step', String(state.step)), processId, event),
          );
          if (!outcome.ok) {
            const { reason, code, message } = outcome;
            return next({ type: 'FailStep', data: { step: state.step, reason, code, message } });
          }
        }
        const timeoutMs = step.awaits?.timeoutMs;
        const deadlineAt = timeoutMs === undefined ? null : new Date(now().getTime() + timeoutMs).toISOString();
        return next({
          type: 'RecordStep',
          data: { step: state.step, awaiting: step.awaits !== undefined, deadlineAt },
        });
      }
      case 'awaiting': {
        if (event.type !== 'StepAwaiting' || state.deadlineAt === null) return undefined;
        // On a replay the step may have moved on long ago: only a still-awaited step gets its deadline.
        const latest = (await processes.load(processId)).state;
        if (latest.status === 'awaiting' && latest.step === state.step) {
          await runtime.deadlines.schedule({
            id: id('deadline', String(state.step)),
            processName: name,
            processId,
            step: state.step,
            dueAt: state.deadlineAt,
          });
        }
        return latest;
      }
      case 'compensating': {
        const pending = [...state.effective]
          .reverse()
          .find((index) => !state.compensated.includes(index) && steps[index]?.compensate !== undefined);
        if (pending === undefined) return next({ type: 'Finish', data: {} });
        const compensate = steps[pending]?.compensate as (data: unknown) => TargetCommand<Targets>;
        const traced = {
          name: steps[pending]?.name ?? String(pending),
          index: pending,
          action: 'compensate',
          processId,
        } as const;
        const outcome = await traceProcessStep(name, traced, () =>
          send(compensate(data), id('compensate', String(pending)), processId, event),
        );
        const failure = outcome.ok ? {} : { failure: { code: outcome.code, message: outcome.message } };
        return next({ type: 'RecordCompensation', data: { step: pending, ...failure } });
      }
      case 'needs-attention': {
        if (event.type !== 'CompensationFailed') return undefined;
        // Parked until an operator resumes the process; then `retryParked` lets it (and what follows) through.
        const latest = (await processes.load(processId)).state;
        if (latest.status === 'needs-attention') throw new ProcessNeedsAttentionError(name, processId, latest.failure);
        return latest;
      }
      default:
        return undefined;
    }
  }

  /**
   * Acts on the transitions this process records as soon as they are durable, instead of waiting
   * for the feed to bring each back: a transfer's steps take one feed round trip, not one per step.
   * Each inline act uses the ids acting on the delivered event would, and is remembered, so the
   * later delivery only refreshes the document; after a crash the store-backed path takes over.
   */
  async function follow(recorded: CommandResult<ProcessState> | undefined): Promise<ProcessState | undefined> {
    let latest: ProcessState | undefined;
    let result = recorded;
    for (let hop = 0; hop < maxInlineHops && result !== undefined; hop += 1) {
      const [event, ...more] = result.events;
      // A deduplicated record was written by an earlier run, which may have acted on it already.
      if (result.deduplicated || event === undefined || more.length > 0) break;
      if (result.state.status !== 'running' && result.state.status !== 'compensating') break;
      const transition: Transition = {};
      latest = (await act(result.state, event, transition)) ?? latest;
      if (transition.recorded !== undefined) actedInline.remember(event.id);
      result = transition.recorded;
    }
    return latest;
  }

  /** True when the stream holds an event after `version`: one index probe, no decoding. */
  async function hasEventsAfter(streamId: string, version: number): Promise<boolean> {
    for await (const _ of runtime.store.readStream(streamId, { from: version + 1, maxCount: 1 })) return true;
    return false;
  }

  /** The instance's state as of `event` from the cache, when nothing follows the event in its stream. */
  async function cachedStateAt(streamId: string, event: RecordedEvent): Promise<ProcessState | undefined> {
    const cached = cache.get(streamId);
    if (cached?.streamVersion !== event.streamVersion || cached.stateVersion !== aggregate.stateVersion)
      return undefined;
    // Nothing after the event also means nothing has acted on it yet (acting appends).
    return (await hasEventsAfter(streamId, event.streamVersion)) ? undefined : (cached.state as ProcessState);
  }

  async function onProcessEvent(event: RecordedEvent) {
    const processId = processIdOf(event.streamId);
    if (processId === undefined) return undefined;
    const streamId = aggregate.streamId(processId);
    if (actedInline.has(event.id)) {
      const cached = cache.get(streamId)?.state as ProcessState | undefined;
      return document(cached ?? (await processes.load(processId)).state);
    }
    const latest = await cachedStateAt(streamId, event);
    if (latest !== undefined) {
      const transition: Transition = {};
      const acted = await act(latest, event, transition);
      return document((await follow(transition.recorded)) ?? acted ?? latest);
    }
    // Already acted on (crash before the checkpoint): never repeat the effect, even if it would now decide otherwise.
    const done = await runtime.store.findCommand(streamId, deterministicUuid(name, processId, event.id, 'next'));
    const acted =
      done.length > 0
        ? undefined
        : await act((await processes.load(processId, { atVersion: event.streamVersion })).state, event);
    return document(acted ?? (await processes.load(processId)).state);
  }

  async function onSourceEvent(event: RecordedEvent) {
    const operations: ReadModelOperation<ProcessDocument>[] = [];
    const start = Object.hasOwn(triggers, event.type) ? triggers[event.type]?.(event) : undefined;
    if (start !== undefined) {
      const commandId = deterministicUuid(name, start.processId, event.id);
      const result = await startWith(start.processId, start.data, commandId, event);
      operations.push(document((await follow(result)) ?? result.state));
    }
    const processId = awaited.has(event.type) ? correlate?.(event) : undefined;
    if (processId !== undefined) {
      const { state } = await processes.load(processId);
      if (state.status === 'awaiting' && steps[state.step]?.awaits?.event === event.type) {
        const step = state.step;
        const result = await record(
          processId,
          { type: 'CompleteAwaited', data: { step } },
          deterministicUuid(name, processId, event.id),
          event,
        );
        for (const deadline of await runtime.deadlines.list(name, processId)) {
          if (deadline.step === step) await runtime.deadlines.remove(deadline.id);
        }
        operations.push(document(result.state));
      }
    }
    return operations;
  }

  function startWith(processId: string, data: unknown, commandId: string, cause: RecordedEvent | undefined) {
    const parsed = definition.data.safeParse(data);
    if (!parsed.success) throw new InvalidProcessDataError(name, processId, parsed.error.issues);
    return record(processId, { type: 'Start', data: { processId, data: parsed.data } }, commandId, cause);
  }

  const handlers: Record<string, (event: RecordedEvent) => Promise<readonly ReadModelOperation<ProcessDocument>[]>> =
    {};
  const onSource = (event: RecordedEvent) => traceProcessEvent(name, event, () => onSourceEvent(event));
  for (const type of [...Object.keys(triggers), ...awaited]) handlers[type] = onSource;
  for (const type of Object.keys(aggregate.events)) {
    handlers[type] = (event) =>
      traceProcessEvent(name, event, async () => {
        const own = processIdOf(event.streamId) !== undefined;
        if (own) {
          const operation = await onProcessEvent(event);
          return operation === undefined ? [] : [operation];
        }
        return codecs.has(event.type) ? onSourceEvent(event) : [];
      });
  }

  const projection = defineReactor({
    name,
    version: definition.version,
    partitions: definition.partitions,
    ...(runtime.concurrency === undefined ? {} : { concurrency: runtime.concurrency }),
    indexes: { status: 'string', process: 'string' },
    sources: [...definition.sources, aggregate],
    // Every event of one instance (its own stream, its trigger, awaited events) lands on one partition.
    partitionKey: (event) => {
      const own = processIdOf(event.streamId);
      if (own !== undefined) return own;
      try {
        const decoded = codecs.get(event.type)?.decode(event);
        if (decoded !== undefined) {
          const start = Object.hasOwn(triggers, event.type) ? triggers[event.type]?.(decoded) : undefined;
          const key = start?.processId ?? (awaited.has(event.type) ? correlate?.(decoded) : undefined);
          if (key !== undefined) return key;
        }
      } catch {
        // An undecodable event fails in its handler, where it is retried and parked.
      }
      return event.streamId;
    },
    handlers: handlers as never,
  });

  return {
    name,
    projection,
    start: (processId, data) =>
      startWith(processId, data, deterministicUuid(name, processId, 'start'), undefined) as Promise<
        CommandResult<ProcessState<z.infer<DataSchema>>>
      >,
    load: async (processId) => (await processes.load(processId)).state as ProcessState<z.infer<DataSchema>>,
    async resume(processId) {
      const { state } = await processes.load(processId);
      // Keyed by the history length, so a repeated request for the same failure resumes once.
      const commandId = deterministicUuid(name, processId, 'resume', String(state.history.length));
      const result = await record(processId, { type: 'Resume', data: {} }, commandId, undefined);
      return result.state as ProcessState<z.infer<DataSchema>>;
    },
    async expire(deadline) {
      await traceDeadline(name, deadline.processId, deadline.step, () =>
        record(deadline.processId, { type: 'ExpireDeadline', data: { step: deadline.step } }, deadline.id, undefined),
      );
    },
  };
}
