import type { AnyAggregate, CommandInputOf } from '@ordo/core';
import { z } from 'zod';
import type { ProjectionSource, SourceEvent } from '../projection.js';
import { InvalidProcessManagerError } from './errors.js';
import { createProcessAggregate, type ProcessAggregate } from './process-aggregate.js';

/** The aggregates a process manager commands, by the key its steps name them with. */
export type ProcessTargets = Readonly<Record<string, AnyAggregate>>;

/** A command for one target aggregate instance. */
export type TargetCommand<Targets extends ProcessTargets> = {
  readonly [K in keyof Targets & string]: {
    readonly target: K;
    readonly id: string;
    readonly command: CommandInputOf<Targets[K]>;
  };
}[keyof Targets & string];

export interface ProcessStep<Targets extends ProcessTargets, Data, EventType extends string> {
  readonly name: string;
  /** Performs the step; omit for a step that only awaits an event. A `DomainError` fails the step. */
  readonly command?: (data: Data) => TargetCommand<Targets>;
  /** Undoes the step once it took effect, when a later step fails (run in reverse order). */
  readonly compensate?: (data: Data) => TargetCommand<Targets>;
  /** The step completes when this event (correlated to the process) arrives, not when its command returns. */
  readonly awaits?: {
    readonly event: EventType;
    /** A deadline, stored durably: when it passes first, the step fails and compensation runs. */
    readonly timeoutMs?: number;
  };
}

export type ProcessTriggers<Event extends { type: string }, DataSchema extends z.ZodType> = {
  readonly [Type in Event['type']]?: (
    event: Extract<Event, { type: Type }>,
  ) => { readonly processId: string; readonly data: z.input<DataSchema> } | undefined;
};

export interface ProcessManagerConfig<
  Sources extends readonly ProjectionSource<any>[],
  Targets extends ProcessTargets,
  DataSchema extends z.ZodType,
> {
  /** Letters, digits and `_`; the streams are `process-<name>-<id>`, the status documents `name_v<version>`. */
  readonly name: string;
  readonly version?: number;
  readonly partitions?: number;
  /** Event sources for triggers and awaited events. */
  readonly sources: Sources;
  readonly targets: Targets;
  /** The process's own data, validated when the process starts. */
  readonly data: DataSchema;
  /** Event types that start a process instance, with its id and data. */
  readonly startedBy: ProcessTriggers<SourceEvent<Sources[number]>, DataSchema>;
  /** The process an awaited event belongs to (e.g. its `transferId`). */
  readonly correlate?: (event: SourceEvent<Sources[number]>) => string | undefined;
  readonly steps: readonly ProcessStep<Targets, z.infer<DataSchema>, SourceEvent<Sources[number]>['type']>[];
}

/** A normalised process manager: pure definition, bound to stores and handlers by `createProcessManager`. */
export interface ProcessManagerDefinition<
  Sources extends readonly ProjectionSource<any>[] = readonly ProjectionSource<any>[],
  Targets extends ProcessTargets = ProcessTargets,
  DataSchema extends z.ZodType = z.ZodType,
> extends Required<Omit<ProcessManagerConfig<Sources, Targets, DataSchema>, 'correlate'>> {
  readonly correlate: ((event: SourceEvent<Sources[number]>) => string | undefined) | undefined;
  /** The event-sourced state machine behind `process-<name>-<id>` streams. */
  readonly aggregate: ProcessAggregate;
}

const nameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/);

/**
 * Defines a process manager (saga): which events start an instance, the ordered steps it runs
 * by sending commands to aggregates, and each step's compensation. Its state is event-sourced
 * in `process-<name>-<id>`; it runs on the projection runner through `createProcessManager`.
 *
 * @example
 * const transfers = defineProcessManager({
 *   name: 'transfer',
 *   sources: [transfer],
 *   targets: { accounts: account },
 *   data: z.object({ from: z.string(), to: z.string(), amount: z.number().int() }),
 *   startedBy: { TransferRequested: (e) => ({ processId: e.data.transferId, data: e.data }) },
 *   steps: [
 *     { name: 'debit', command: (d) => ({ target: 'accounts', id: d.from, command: { type: 'Withdraw', data: { amount: d.amount } } }),
 *       compensate: (d) => ({ target: 'accounts', id: d.from, command: { type: 'Deposit', data: { amount: d.amount } } }) },
 *     { name: 'credit', command: (d) => ({ target: 'accounts', id: d.to, command: { type: 'Deposit', data: { amount: d.amount } } }) },
 *   ],
 * });
 */
export function defineProcessManager<
  const Sources extends readonly ProjectionSource<any>[],
  const Targets extends ProcessTargets,
  DataSchema extends z.ZodType,
>(config: ProcessManagerConfig<Sources, Targets, DataSchema>): ProcessManagerDefinition<Sources, Targets, DataSchema> {
  if (!nameSchema.safeParse(config.name).success) {
    throw new InvalidProcessManagerError(`Process manager name ${config.name} must be letters, digits and _`);
  }
  if (config.steps.length === 0) throw new InvalidProcessManagerError(`Process manager ${config.name} has no steps`);
  if (Object.keys(config.startedBy).length === 0) {
    throw new InvalidProcessManagerError(`Process manager ${config.name} has no startedBy trigger`);
  }
  const awaiting = config.steps.filter((step) => step.awaits !== undefined);
  if (awaiting.length > 0 && config.correlate === undefined) {
    throw new InvalidProcessManagerError(`Process manager ${config.name} awaits events but has no correlate`);
  }
  for (const step of config.steps) {
    if (step.command === undefined && step.awaits === undefined) {
      throw new InvalidProcessManagerError(`Step ${step.name} of ${config.name} neither sends a command nor awaits`);
    }
  }
  return {
    name: config.name,
    version: config.version ?? 1,
    partitions: config.partitions ?? 1,
    sources: config.sources,
    targets: config.targets,
    data: config.data,
    startedBy: config.startedBy,
    correlate: config.correlate,
    steps: config.steps,
    aggregate: createProcessAggregate(config.name, config.steps.length),
  };
}
