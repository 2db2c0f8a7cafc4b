import { createInMemoryEventStore } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import { createInMemoryDeadLetterStore } from '../in-memory-dead-letter-store.js';
import { createInMemoryReadStore } from '../in-memory-read-store.js';
import { createStoreEventSource } from '../store-event-source.js';
import { createTransferWorld } from '../testing/transfer-saga.js';
import { createDeadlineScheduler } from './deadline-scheduler.js';
import type { Deadline } from './deadline-store.js';
import { createInMemoryDeadlineStore } from './in-memory-deadline-store.js';

const deadline = (id: string, dueAt: number): Deadline => ({
  id,
  processName: 'transfer',
  processId: id,
  step: 0,
  dueAt: new Date(dueAt).toISOString(),
});

describe('createDeadlineScheduler', () => {
  it('fires a deadline when it falls due while running, and the process compensates', async () => {
    const store = createInMemoryEventStore();
    const deadlines = createInMemoryDeadlineStore();
    const w = createTransferWorld({
      store,
      readStore: createInMemoryReadStore(),
      deadLetters: createInMemoryDeadLetterStore(),
      deadlines,
      source: createStoreEventSource(store),
      confirmTimeoutMs: 30,
    });
    await w.accounts.handle('a', { type: 'Open', data: { balance: 100 } });
    await w.accounts.handle('b', { type: 'Open', data: { balance: 0 } });
    const id = await w.request('a', 'b', 40);
    expect(await w.settle(id)).toMatchObject({ status: 'awaiting' });
    const head = await store.headPosition();
    const scheduler = createDeadlineScheduler({ deadlines, processManagers: [w.manager], pollIntervalMs: 10_000 });
    const next = store.subscribe({ after: head });
    scheduler.start();
    const fired = await next[Symbol.asyncIterator]().next();
    await next.close();
    await scheduler.stop();
    expect(fired.value).toMatchObject({ type: 'DeadlineExpired', streamId: `process-transfer-${id}` });
    expect(await deadlines.list('transfer')).toEqual([]);
    expect(await w.settle(id)).toMatchObject({ status: 'compensated', failure: { reason: 'timeout' } });
    expect([await w.balance('a'), await w.balance('b')]).toEqual([100, 0]);
  });

  it('keeps a deadline whose firing failed, reports it, and fires it on the next check', async () => {
    const deadlines = createInMemoryDeadlineStore();
    const errors: unknown[] = [];
    const fired: string[] = [];
    let failNext = true;
    const scheduler = createDeadlineScheduler({
      deadlines,
      onError: (error) => errors.push(error),
      processManagers: [
        {
          name: 'transfer',
          async expire(entry) {
            if (failNext) {
              failNext = false;
              throw new Error('store busy');
            }
            fired.push(entry.id);
          },
        },
      ],
    });
    await deadlines.schedule(deadline('d1', 1_000));
    await deadlines.schedule(deadline('later', 9_000));
    expect(await scheduler.fireDue(new Date(2_000))).toBe(0);
    expect(errors).toHaveLength(1);
    expect(await scheduler.fireDue(new Date(2_000))).toBe(1);
    expect(fired).toEqual(['d1']);
    expect((await deadlines.list('transfer')).map((entry) => entry.id)).toEqual(['later']);
  });

  it('leaves deadlines of process managers it does not run', async () => {
    const deadlines = createInMemoryDeadlineStore();
    await deadlines.schedule({ ...deadline('x', 0), processName: 'shipping' });
    const scheduler = createDeadlineScheduler({ deadlines, processManagers: [] });
    expect(await scheduler.fireDue(new Date(5_000))).toBe(0);
    expect(await deadlines.list('shipping')).toHaveLength(1);
  });
});
