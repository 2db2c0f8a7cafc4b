import { PassThrough } from 'node:stream';
import type { RecordedEvent } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import type { EsdbClient, EsdbFilter, EsdbPosition, EsdbResolvedEvent, EsdbSubscription } from './esdb-client.js';
import { createEsdbSubscription } from './esdb-subscription.js';
import { ordoMetadataKey } from './event-mapping.js';

/**
 * A scripted stand-in for the client's subscription readable (a real object-mode stream), so the
 * ordering of checkpoints and the resubscribe loop can be driven step by step. The server behaviour
 * itself is covered by esdb-event-store.int.test.ts.
 */
class ScriptedSubscription extends PassThrough implements EsdbSubscription {
  unsubscribed = false;
  constructor(readonly serverFilter: EsdbFilter) {
    super({ objectMode: true });
  }
  event(position: number, streamId = 'account-1', type = 'Deposited'): void {
    const resolved: EsdbResolvedEvent = {
      event: {
        streamId,
        id: `id-${position}`,
        revision: BigInt(position),
        type,
        created: new Date(0),
        data: { position },
        metadata: { [ordoMetadataKey]: { schemaVersion: 1 } },
        position: { commit: BigInt(position), prepare: BigInt(position) },
      },
    };
    this.write(resolved);
  }
  /** A catch-up page reports `(start of the next record, 0)`; a live checkpoint an event's own position. */
  checkpoint(position: number, prepare = position): void {
    const at: EsdbPosition = { commit: BigInt(position), prepare: BigInt(prepare) };
    void this.serverFilter.checkpointReached?.(this, at);
  }
  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
    this.end();
  }
}

/** `log` holds the positions of every event in $all, the filtered ones too, for backward lookups. */
function scriptedClient(log: readonly number[] = []) {
  const opened: { from: unknown; subscription: ScriptedSubscription }[] = [];
  const lookups: EsdbPosition[] = [];
  const waiters: (() => void)[] = [];
  const client = {
    readAll(options: { fromPosition: EsdbPosition; direction: string }) {
      lookups.push(options.fromPosition);
      const before = log.filter((p) => BigInt(p) < options.fromPosition.commit).at(-1);
      const events: EsdbResolvedEvent[] =
        before === undefined
          ? []
          : [
              {
                event: {
                  streamId: 'noise-1',
                  id: `id-${before}`,
                  revision: 0n,
                  type: 'Noise',
                  created: new Date(0),
                  data: {},
                  position: { commit: BigInt(before), prepare: BigInt(before) },
                },
              },
            ];
      return Object.assign(
        (async function* () {
          yield* events;
        })(),
        { cancel: async () => {} },
      );
    },
    subscribeToAll(options: { fromPosition: unknown; filter: EsdbFilter }) {
      const subscription = new ScriptedSubscription(options.filter);
      opened.push({ from: options.fromPosition, subscription });
      for (const wake of waiters.splice(0)) wake();
      return subscription;
    },
  } as unknown as EsdbClient;
  const opening = (count: number) =>
    new Promise<ScriptedSubscription>((resolve) => {
      const check = () => {
        const entry = opened[count - 1];
        if (entry !== undefined) resolve(entry.subscription);
        else waiters.push(check);
      };
      check();
    });
  return { client, opened, opening, lookups };
}

const positions = (events: readonly RecordedEvent[]) => events.map((e) => e.position);

describe('createEsdbSubscription', () => {
  it('reports a checkpoint only after the events buffered before it were consumed', async () => {
    const { client, opening } = scriptedClient();
    const calls: string[] = [];
    const subscription = createEsdbSubscription({ client, onCheckpoint: (at) => calls.push(`checkpoint ${at}`) });
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    const server = await opening(1);
    server.event(10);
    server.event(20);
    server.checkpoint(50);
    server.event(60);
    calls.push(`event ${(await first).value?.position}`);
    calls.push(`event ${(await iterator.next()).value?.position}`);
    calls.push(`event ${(await iterator.next()).value?.position}`);
    await subscription.close();
    expect(calls).toEqual(['event 10', 'event 20', 'checkpoint 50', 'event 60']);
  });

  it('reports a checkpoint at once when the consumer is idle and nothing is buffered', async () => {
    const { client, opening } = scriptedClient();
    let reported = 0;
    let wake: () => void = () => {};
    const reportedOnce = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const subscription = createEsdbSubscription({
      client,
      filter: { streamIdPrefixes: ['signal-'] },
      onCheckpoint: (at) => {
        reported = at;
        wake();
      },
    });
    const pending = subscription[Symbol.asyncIterator]().next();
    const server = await opening(1);
    expect(server.serverFilter).toMatchObject({ filterOn: 'streamName', prefixes: ['signal-'] });
    await new Promise((resolve) => setImmediate(resolve));
    server.checkpoint(700);
    await reportedOnce;
    expect(reported).toBe(700);
    await subscription.close();
    await expect(pending).resolves.toMatchObject({ done: true });
  });

  it('re-opens a dropped subscription after the last delivered position and skips redelivered events', async () => {
    const { client, opened, opening } = scriptedClient();
    const drops: number[] = [];
    const subscription = createEsdbSubscription({
      client,
      after: 5,
      resubscribe: { initialDelayMs: 1, maxDelayMs: 2, onDrop: (_error, attempt) => drops.push(attempt) },
    });
    const received: RecordedEvent[] = [];
    const done = (async () => {
      for await (const event of subscription) {
        received.push(event);
        if (received.length === 3) break;
      }
    })();
    const first = await opening(1);
    first.event(10);
    first.event(20);
    await new Promise((resolve) => setImmediate(resolve));
    first.destroy(Object.assign(new Error('unavailable'), { type: 'unavailable' }));
    const second = await opening(2);
    second.event(20);
    second.event(30);
    await done;
    await subscription.close();
    expect(positions(received)).toEqual([10, 20, 30]);
    expect(opened.map((o) => o.from)).toEqual([
      { commit: 5n, prepare: 5n },
      { commit: 20n, prepare: 20n },
    ]);
    expect(drops).toEqual([1]);
    expect(first.unsubscribed).toBe(true);
  });

  it('gives up with the error after maxAttempts consecutive drops, and never retries an access error', async () => {
    const { client, opening } = scriptedClient();
    const subscription = createEsdbSubscription({ client, resubscribe: { initialDelayMs: 1, maxAttempts: 0 } });
    const done = subscription[Symbol.asyncIterator]().next();
    (await opening(1)).destroy(new Error('network down'));
    await expect(done).rejects.toThrow('network down');

    const denied = scriptedClient();
    const fatal = createEsdbSubscription({ client: denied.client });
    const refused = fatal[Symbol.asyncIterator]().next();
    (await denied.opening(1)).destroy(Object.assign(new Error('denied'), { type: 'access-denied' }));
    await expect(refused).rejects.toThrow('denied');
  });

  it('drops system events and applies the rest of the filter on the client', async () => {
    const { client, opening } = scriptedClient();
    const subscription = createEsdbSubscription({
      client,
      filter: { streamIdPrefixes: ['a-'], eventTypes: ['Kept'] },
    });
    const iterator = subscription[Symbol.asyncIterator]();
    const next = iterator.next();
    const server = await opening(1);
    server.event(1, 'a-1', '$metadata');
    server.event(2, 'a-1', 'Dropped');
    server.event(3, 'a-1', 'Kept');
    expect((await next).value).toMatchObject({ position: 3, type: 'Kept', streamId: 'a-1' });
    await subscription.close();
  });

  it('reports a checkpoint between records as the last event before it, so the next event is not skipped', async () => {
    // Events at 100 (delivered), 200 and 300 (filtered out); the page then reports (400, 0).
    const { client, opened, opening, lookups } = scriptedClient([100, 200, 300]);
    const checkpoints: number[] = [];
    const subscription = createEsdbSubscription({
      client,
      resubscribe: { initialDelayMs: 1, maxDelayMs: 2 },
      onCheckpoint: (at) => checkpoints.push(at),
    });
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    const server = await opening(1);
    server.event(100);
    server.checkpoint(400, 0);
    server.event(400);
    server.event(450);
    expect((await first).value?.position).toBe(100);
    expect((await iterator.next()).value?.position).toBe(400);
    expect((await iterator.next()).value?.position).toBe(450);
    expect(checkpoints).toEqual([300]);
    expect(lookups).toEqual([{ commit: 400n, prepare: 0n }]);
    // A checkpoint reported as 400 would have re-opened after the event at 400 and lost a successor.
    server.checkpoint(600, 0);
    const third = iterator.next();
    await new Promise((resolve) => setImmediate(resolve));
    server.destroy(Object.assign(new Error('unavailable'), { type: 'unavailable' }));
    const second = await opening(2);
    second.event(500);
    expect((await third).value?.position).toBe(500);
    expect(opened[1]?.from).toEqual({ commit: 450n, prepare: 450n });
    await subscription.close();
  });

  it('passes an error thrown by onCheckpoint to the consumer instead of re-opening', async () => {
    const { client, opened, opening } = scriptedClient();
    const subscription = createEsdbSubscription({
      client,
      onCheckpoint: () => {
        throw new Error('checkpoint store down');
      },
    });
    const next = subscription[Symbol.asyncIterator]().next();
    (await opening(1)).checkpoint(50);
    await expect(next).rejects.toThrow('checkpoint store down');
    expect(opened).toHaveLength(1);
  });

  it('survives an error the client emits after the subscription was closed', async () => {
    const { client, opening } = scriptedClient();
    const subscription = createEsdbSubscription({ client });
    const next = subscription[Symbol.asyncIterator]().next();
    const server = await opening(1);
    await subscription.close();
    await expect(next).resolves.toMatchObject({ done: true });
    expect(() => server.emit('error', new Error('late'))).not.toThrow();
  });
});
