import type { AnyAggregate, EventStore } from '@ordo/core';
import type { AnyProjection, DeadLetterStore, ProcessManager, ReadStore } from '@ordo/projections';

/** What `ordo` operates on: the stores and the definitions a server composes. */
export interface OrdoConfig {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly deadLetters: DeadLetterStore;
  readonly projections: readonly AnyProjection[];
  readonly processManagers?: readonly ProcessManager[];
  /** Used by `ordo stream` to upcast events and fold state; found by stream prefix. */
  readonly aggregates?: readonly AnyAggregate[];
  /** Releases the stores; defaults to closing `store` and `readStore`. */
  readonly close?: () => Promise<void>;
}

/** A config object, or a factory so nothing opens before the CLI has parsed its arguments. */
export type OrdoConfigInput = OrdoConfig | (() => OrdoConfig | Promise<OrdoConfig>);

/**
 * Declares the config module `ordo` loads (its default export).
 *
 * @example
 * // ordo.config.ts
 * export default defineOrdoConfig(() => {
 *   const { store, readStore, deadLetters } = openSqliteStores({ path: 'data/app.sqlite' });
 *   return { store, readStore, deadLetters, projections: [balances], aggregates: [account] };
 * });
 */
export function defineOrdoConfig<const Input extends OrdoConfigInput>(config: Input): Input {
  return config;
}
