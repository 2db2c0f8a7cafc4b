import type { z } from 'zod';
import { CommandValidationError } from './errors.js';
import {
  createEventCodec,
  type EventCodec,
  type ReadValidation,
  type RecordedEventOf,
  type UpcasterChains,
} from './event-codec.js';
import type { MessageInputOf, MessageOf, SchemaMap } from './schema-map.js';

export interface AggregateConfig<Commands extends SchemaMap, Events extends SchemaMap, State> {
  /** Names the aggregate; the default stream prefix is its lower-case form (`Account` -> `account-42`). */
  readonly name: string;
  readonly streamPrefix?: string;
  /** Bump when the shape of `State` changes, so snapshots taken by older code are ignored. */
  readonly stateVersion?: number;
  readonly commands: Commands;
  readonly events: Events;
  readonly upcasters?: UpcasterChains<Events>;
  /** Which stored events loads check against their schema; see `ReadValidation`. Default `'always'`. */
  readonly validateOnRead?: ReadValidation;
  /** A fresh state each call, so `evolve` may mutate and return it. */
  readonly initialState: () => State;
  // NoInfer: the state type comes from `initialState` alone, so literals returned here stay narrow.
  readonly evolve: (state: NoInfer<State>, event: RecordedEventOf<Events>) => NoInfer<State>;
  /** Pure: returns the events a command produces, or throws a `DomainError` to reject it. */
  readonly decide: (
    command: MessageOf<Commands>,
    state: NoInfer<State>,
  ) => MessageOf<Events> | readonly MessageOf<Events>[];
}

export interface Aggregate<
  Commands extends SchemaMap = SchemaMap,
  Events extends SchemaMap = SchemaMap,
  State = unknown,
> extends Required<Omit<AggregateConfig<Commands, Events, State>, 'upcasters' | 'validateOnRead'>> {
  readonly codec: EventCodec<Events>;
  streamId(id: string): string;
  /** Validates a command against its schema; throws `CommandValidationError` with the zod issues. */
  parseCommand(command: { readonly type: string; readonly data: unknown }): MessageOf<Commands>;
}

// `any` because commands and events sit on both sides of `decide`/`evolve`, which makes aggregates invariant.
export type AnyAggregate = Aggregate<any, any, any>;
export type CommandOf<A extends AnyAggregate> = A extends Aggregate<infer C, any, any> ? MessageOf<C> : never;
export type CommandInputOf<A extends AnyAggregate> = A extends Aggregate<infer C, any, any> ? MessageInputOf<C> : never;
export type EventOf<A extends AnyAggregate> = A extends Aggregate<any, infer E, any> ? MessageOf<E> : never;
export type StateOf<A extends AnyAggregate> = A extends Aggregate<any, any, infer S> ? S : never;

/**
 * Defines an aggregate once: schemas for its commands and events, and pure `evolve`/`decide`.
 * Every type (commands, events, state) is inferred from the definition.
 *
 * @example
 * const account = defineAggregate({
 *   name: 'Account',
 *   commands: { Deposit: z.object({ amount: z.number().int().positive() }) },
 *   events: { MoneyDeposited: z.object({ amount: z.number().int() }) },
 *   initialState: () => ({ balance: 0 }),
 *   evolve: (state, event) => ({ balance: state.balance + event.data.amount }),
 *   decide: (command) => ({ type: 'MoneyDeposited', data: { amount: command.data.amount } }),
 * });
 */
export function defineAggregate<const Commands extends SchemaMap, const Events extends SchemaMap, State>(
  config: AggregateConfig<Commands, Events, State>,
): Aggregate<Commands, Events, State> {
  const streamPrefix = config.streamPrefix ?? config.name.toLowerCase();
  return {
    name: config.name,
    streamPrefix,
    stateVersion: config.stateVersion ?? 1,
    commands: config.commands,
    events: config.events,
    initialState: config.initialState,
    evolve: config.evolve,
    decide: config.decide,
    codec: createEventCodec(config.events, config.upcasters, { validateOnRead: config.validateOnRead ?? 'always' }),
    streamId: (id) => `${streamPrefix}-${id}`,
    parseCommand(command) {
      const schema: z.ZodType | undefined = Object.hasOwn(config.commands, command.type)
        ? config.commands[command.type]
        : undefined;
      if (schema === undefined) {
        throw new CommandValidationError(command.type, [
          { path: ['type'], message: `Unknown command ${command.type} for ${config.name}`, code: 'invalid_value' },
        ]);
      }
      const parsed = schema.safeParse(command.data);
      if (!parsed.success) throw new CommandValidationError(command.type, parsed.error.issues);
      return { type: command.type, data: parsed.data } as MessageOf<Commands>;
    },
  };
}

/** Normalises `decide`'s output (one event or many) to an array. */
export function toEventList<E>(decided: E | readonly E[]): readonly E[] {
  return Array.isArray(decided) ? (decided as readonly E[]) : [decided as E];
}
