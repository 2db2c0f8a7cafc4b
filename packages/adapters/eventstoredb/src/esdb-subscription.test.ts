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
  checkpoint(position: number): void {
    const at: EsdbPosition = { commit: BigInt(position), prepare: BigInt(position) };
    void this.serverFilter.checkpointReached?.(this, at);
  }
  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
    this.end();
  }
}

function scriptedClient() {
  const opened: { from: unknown; subscription: ScriptedSubscription }[] = [];
  const waiters: (() => void)[] = [];
  const client = {
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
  return { client, opened, opening };
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
});
