import { deepStrictEqual, fail } from 'node:assert/strict';
import type { AnyAggregate, CommandInputOf, EventOf, StateOf } from '../aggregate.js';
import { toEventList } from '../aggregate.js';
import { OrdoError } from '../errors.js';
import type { RecordedEvent } from '../event.js';

export interface AggregateSpecWhen<A extends AnyAggregate> {
  /** Asserts the exact events (type and data) the command produces, in order. */
  thenEvents(expected: readonly EventOf<A>[]): void;
  /** Asserts the command is rejected with this error code (domain or validation). */
  thenThrows(code: string): void;
  /** Asserts the command is accepted and produces no event. */
  thenNothing(): void;
  /** The state after the given events and the produced ones, for further assertions. */
  state(): StateOf<A>;
}

export interface AggregateSpecGiven<A extends AnyAggregate> {
  when(command: CommandInputOf<A>): AggregateSpecWhen<A>;
}

/**
 * Given/when/then for a pure aggregate: no store, just `evolve` and `decide`. Given events
 * go through the codec, so they are validated as if read back from a store.
 *
 * @example
 * aggregateSpec(account)
 *   .given([{ type: 'AccountOpened', data: { owner: 'Ada', currency: 'EUR' } }])
 *   .when({ type: 'Withdraw', data: { amount: 10_000 } })
 *   .thenThrows('INSUFFICIENT_FUNDS');
 */
export function aggregateSpec<A extends AnyAggregate>(aggregate: A) {
  return {
    given(events: readonly EventOf<A>[] = []): AggregateSpecGiven<A> {
      return {
        when(command) {
          const run = () => {
            let state = aggregate.initialState();
            events.forEach((event, index) => {
              state = aggregate.evolve(state, aggregate.codec.decode(asRecorded(event, index + 1)));
            });
            const produced = toEventList(aggregate.decide(aggregate.parseCommand(command), state)).map((event) =>
              aggregate.codec.encode(event),
            );
            produced.forEach((event, index) => {
              state = aggregate.evolve(state, aggregate.codec.decode(asRecorded(event, events.length + index + 1)));
            });
            return { produced: produced.map(({ type, data }) => ({ type, data })), state };
          };
          return {
            thenEvents(expected) {
              deepStrictEqual(
                run().produced,
                expected.map(({ type, data }) => ({ type, data })),
              );
            },
            thenThrows(code) {
              let outcome: unknown;
              try {
                outcome = run().produced;
              } catch (error) {
                if (error instanceof OrdoError && error.code === code) return;
                throw error;
              }
              fail(`Expected the command to be rejected with ${code}, but it produced ${JSON.stringify(outcome)}`);
            },
            thenNothing() {
              deepStrictEqual(run().produced, []);
            },
            state: () => run().state,
          };
        },
      };
    },
  };
}

function asRecorded(
  event: { readonly type: string; readonly data: unknown; readonly schemaVersion?: number },
  streamVersion: number,
): RecordedEvent {
  return {
    id: `spec-${streamVersion}`,
    type: event.type,
    schemaVersion: event.schemaVersion ?? Number.MAX_SAFE_INTEGER,
    streamId: 'spec',
    streamVersion,
    position: streamVersion,
    timestamp: new Date(0).toISOString(),
    data: event.data,
    metadata: {},
  };
}
