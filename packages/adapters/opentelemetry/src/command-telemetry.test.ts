import {
  ConcurrencyError,
  createCommandHandler,
  createInMemoryEventStore,
  DomainError,
  defineAggregate,
  type EventStore,
} from '@ordo/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { installTestTelemetry, type TestTelemetry } from './testing/index.js';

const counter = defineAggregate({
  name: 'Counter',
  stateVersion: 1,
  commands: { Add: z.object({ by: z.number().int().positive() }) },
  events: { Added: z.object({ by: z.number().int() }) },
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: state.total + event.data.by }),
  decide: (command, state) => {
    if (state.total + command.data.by > 10) throw new DomainError('TOO_MUCH', 'The total would pass 10');
    return { type: 'Added', data: { by: command.data.by } };
  },
});

/** The real store, with one append that first loses a race to a concurrent writer. */
function losingOneRace(store: EventStore): EventStore {
  let raced = false;
  return {
    ...store,
    async appendToStream(streamId, events, options) {
      if (!raced) {
        raced = true;
        await store.appendToStream(streamId, [{ ...events[0], id: crypto.randomUUID() } as never], {
          expectedVersion: 'any',
        });
      }
      return store.appendToStream(streamId, events, options);
    },
  };
}

describe('command telemetry', () => {
  let telemetry: TestTelemetry;
  beforeEach(() => {
    telemetry = installTestTelemetry();
  });
  afterEach(() => telemetry.shutdown());

  it('traces validate, load, decide and append under the command span and stores its traceparent', async () => {
    const handler = createCommandHandler(counter, { store: createInMemoryEventStore() });
    const result = await handler.handle('c1', { type: 'Add', data: { by: 2 } });

    const spans = telemetry.spans();
    const command = spans.find((span) => span.name === 'command Add');
    expect(command?.attributes).toMatchObject({
      'ordo.aggregate': 'Counter',
      'ordo.command.outcome': 'ok',
      'ordo.stream.version': 1,
    });
    const children = spans.filter((span) => span.parentSpanContext?.spanId === command?.spanContext().spanId);
    expect(children.map((span) => span.name)).toEqual(['ordo.validate', 'ordo.load', 'ordo.decide', 'ordo.append']);
    const { traceId, spanId } = command?.spanContext() ?? {};
    expect(result.events[0]?.metadata.traceparent).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('records conflict retries as span events and counts outcomes and appended events', async () => {
    const handler = createCommandHandler(counter, { store: losingOneRace(createInMemoryEventStore()) });
    await handler.handle('c1', { type: 'Add', data: { by: 2 } });
    await expect(handler.handle('c1', { type: 'Add', data: { by: 9 } })).rejects.toBeInstanceOf(DomainError);

    const [raced, rejected] = telemetry.spans().filter((span) => span.name === 'command Add');
    expect(raced?.events.map((event) => event.name)).toEqual(['conflict.retry']);
    expect(telemetry.spans().filter((span) => span.name === 'ordo.append' && span.status.code === 2)).toHaveLength(1);
    expect(rejected?.attributes['ordo.command.outcome']).toBe('rejected');
    expect(rejected?.status.code).not.toBe(2);

    const metrics = await telemetry.collect();
    const outcome = (name: string) =>
      telemetry.point(metrics, 'ordo.command.outcomes', { 'ordo.command.outcome': name })?.value;
    expect([outcome('ok'), outcome('rejected')]).toEqual([1, 1]);
    expect(telemetry.point(metrics, 'ordo.command.conflict_retries')?.value).toBe(1);
    expect(telemetry.point(metrics, 'ordo.events.appended')?.value).toBe(1);
    const latency = telemetry.point(metrics, 'ordo.command.duration', { 'ordo.command.outcome': 'ok' })?.value as {
      count: number;
    };
    expect(latency.count).toBe(1);
  });

  it('counts a repeated command id as deduplicated', async () => {
    const handler = createCommandHandler(counter, { store: createInMemoryEventStore() });
    await handler.handle('c1', { type: 'Add', data: { by: 1 } }, { commandId: 'k-1' });
    await handler.handle('c1', { type: 'Add', data: { by: 1 } }, { commandId: 'k-1' });
    const metrics = await telemetry.collect();
    expect(telemetry.point(metrics, 'ordo.command.outcomes', { 'ordo.command.outcome': 'deduplicated' })?.value).toBe(
      1,
    );
    expect(telemetry.point(metrics, 'ordo.events.appended')?.value).toBe(1);
  });

  it('leaves a conflict with a pinned version on the span as a failure', async () => {
    const handler = createCommandHandler(counter, { store: createInMemoryEventStore() });
    await expect(handler.handle('c1', { type: 'Add', data: { by: 1 } }, { expectedVersion: 3 })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    const command = telemetry.spans().find((span) => span.name === 'command Add');
    expect(command?.attributes['ordo.command.outcome']).toBe('conflict');
    expect(command?.status.code).toBe(2);
  });
});
