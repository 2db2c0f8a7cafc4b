import { PassThrough } from 'node:stream';
import type { RecordedEvent } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import { EsdbSharedPositionError, EsdbSubscriptionFailedError } from './errors.js';
import type { EsdbClient, EsdbFilter, EsdbPosition, EsdbResolvedEvent, EsdbSubscription } from './esdb-client.js';
import { createEsdbSubscription } from './esdb-subscription.js';
import { type LogRecord, readAllOver, recordedAt } from './test-support/all-log.js';

/**
 * A scripted stand-in for the client's subscription readable (a real object-mode stream), so the
 * ordering of checkpoints and the resubscribe loop can be driven step by step. The checkpoints it
 * sends are the ones KurrentDB sends (Enumerators.AllSubscriptionFiltered.cs, oss-v23.6.0 and
 * Enumerator.AllSubscriptionFiltered.cs, v24.10.0/v25.0.0); lookups read `$all` by AllReader.cs rules.
 */
class ScriptedSubscription extends PassThrough implements EsdbSubscription {
  unsubscribed = false;
  constructor(readonly serverFilter: EsdbFilter) {
    super({ objectMode: true });
  }
  event(position: number, streamId = 'account-1', type = 'Deposited'): void {
    const resolved: EsdbResolvedEvent = { event: recordedAt({ at: position, streamId, type }, BigInt(position)) };
    this.write(resolved);
  }
  /** An event of an explicit transaction: the transaction's commit position, its own prepare position. */
  transactionEvent(commit: number, prepare: number): void {
    const event = recordedAt({ at: commit, streamId: 'legacy-1' });
    this.write({ event: { ...event, position: { commit: BigInt(commit), prepare: BigInt(prepare) } } });
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

/** `log` is the server's $all (filtered-out events too), for the checkpoint lookups. */
function scriptedClient(log: readonly LogRecord[] = []) {
  const opened: { from: unknown; subscription: ScriptedSubscription }[] = [];
  const lookups: { from: EsdbPosition; direction: string }[] = [];
  const waiters: (() => void)[] = [];
  const readAll = readAllOver(log);
  const client = {
    readAll(options: Parameters<typeof readAll>[0]) {
      if (typeof options.fromPosition === 'object')
        lookups.push({ from: options.fromPosition, direction: options.direction });
      return readAll(options);
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
  const system = (at: number): LogRecord => ({ at, streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' });
  const account = (at: number): LogRecord => ({ at, streamId: 'account-1' });
  const noise = (at: number): LogRecord => ({ at, streamId: 'noise-1' });
  const nextTick = () => new Promise((resolve) => setImmediate(resolve));

  it('reports a checkpoint only after the events buffered before it were consumed', async () => {
    const { client, opening } = scriptedClient([account(10), account(20), system(50), account(60)]);
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

  it('reports a live checkpoint at an event its filter drops, so an idle subscription reaches the head', async () => {
    const { client, opening } = scriptedClient([noise(600), noise(700)]);
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
    await nextTick();
    server.checkpoint(700);
    await reportedOnce;
    expect(reported).toBe(700);
    await subscription.close();
    await expect(pending).resolves.toMatchObject({ done: true });
  });

  it('never moves past a checkpoint that names an event not delivered yet (ESDB 22.10.0-22.10.3, 23.6)', async () => {
    // Going live, those servers send (c, c) for the first live event and then the event itself
    // (oss-v23.6.0 Enumerators.AllSubscriptionFiltered.cs: NotifyCaughtUp(position) of that event).
    const { client, opening } = scriptedClient([account(100), account(200), account(300)]);
    const checkpoints: number[] = [];
    const subscription = createEsdbSubscription({
      client,
      filter: { streamIdPrefixes: ['account-'] },
      onCheckpoint: (at) => checkpoints.push(at),
    });
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    const server = await opening(1);
    server.event(100);
    expect((await first).value?.position).toBe(100);
    const second = iterator.next();
    await nextTick();
    server.checkpoint(200);
    await nextTick();
    server.event(200);
    server.event(300);
    expect((await second).value?.position).toBe(200);
    expect((await iterator.next()).value?.position).toBe(300);
    expect(checkpoints.every((at) => at < 200)).toBe(true);
    await subscription.close();
  });

  it('ignores the "no position" checkpoint of 24.2.0-24.10.4 instead of failing', async () => {
    const { client, opening } = scriptedClient([account(10)]);
    const checkpoints: number[] = [];
    const subscription = createEsdbSubscription({ client, onCheckpoint: (at) => checkpoints.push(at) });
    const iterator = subscription[Symbol.asyncIterator]();
    const next = iterator.next();
    const server = await opening(1);
    await nextTick();
    const none = 2n ** 64n - 1n;
    void server.serverFilter.checkpointReached?.(server, { commit: none, prepare: none });
    await nextTick();
    server.event(10);
    expect((await next).value?.position).toBe(10);
    expect(checkpoints).toEqual([]);
    await subscription.close();
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
    await nextTick();
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

  it('gives up by default after 20 drops without progress, with EsdbSubscriptionFailedError', async () => {
    const { client, opening } = scriptedClient();
    const subscription = createEsdbSubscription({ client, resubscribe: { initialDelayMs: 1, maxDelayMs: 1 } });
    const done = subscription[Symbol.asyncIterator]().next();
    const unknown = () => Object.assign(new Error('invalid position'), { type: 'unknown' });
    const failed = (async () => {
      for (let attempt = 1; attempt <= 21; attempt += 1) (await opening(attempt)).destroy(unknown());
      return done;
    })();
    const outcome = await Promise.race([
      failed.then(
        () => 'resolved',
        (error: unknown) => error,
      ),
      opening(22).then(() => 'opened a 22nd time'),
    ]);
    expect(outcome).toBeInstanceOf(EsdbSubscriptionFailedError);
    expect(outcome).toMatchObject({ code: 'ESDB_SUBSCRIPTION_FAILED', attempts: 21 });
    await subscription.close();
  });

  it('refuses events that share a commit position (explicit transactions) instead of dropping all but one', async () => {
    const { client, opening } = scriptedClient();
    const subscription = createEsdbSubscription({ client });
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    const server = await opening(1);
    server.transactionEvent(900, 100);
    server.transactionEvent(900, 250);
    server.event(1000);
    expect((await first).value?.position).toBe(900);
    await expect(iterator.next()).rejects.toBeInstanceOf(EsdbSharedPositionError);
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
    // Catch-up pages report (start of the next record, 0) (AllReader.cs nextPos); here (400, 0).
    const log = [account(100), noise(200), noise(300), account(400), account(450), noise(550), noise(600)];
    const { client, opened, opening, lookups } = scriptedClient(log);
    const checkpoints: number[] = [];
    const subscription = createEsdbSubscription({
      client,
      filter: { streamIdPrefixes: ['account-'] },
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
    // The record at 300 ends at 400: a backward read from (400, 0) would leave it out and report 200.
    expect(checkpoints).toEqual([300]);
    expect(lookups).toEqual([
      { from: { commit: 400n, prepare: 400n }, direction: 'forwards' },
      { from: { commit: 400n, prepare: 400n }, direction: 'backwards' },
    ]);
    // (600, 0) with a record the filter drops starting at 600: that record is covered too.
    const third = iterator.next();
    await nextTick();
    server.checkpoint(600, 0);
    await nextTick();
    await nextTick();
    server.destroy(Object.assign(new Error('unavailable'), { type: 'unavailable' }));
    const second = await opening(2);
    second.event(700);
    expect((await third).value?.position).toBe(700);
    expect(checkpoints).toEqual([300, 600]);
    expect(opened[1]?.from).toEqual({ commit: 600n, prepare: 600n });
    await subscription.close();
  });

  it('passes an error thrown by onCheckpoint to the consumer instead of re-opening', async () => {
    const { client, opened, opening } = scriptedClient([system(50)]);
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
