// Runs the transfer process manager on a SQLite file; kills itself (SIGKILL) at a chosen step boundary.
// usage: process-manager-child.ts <db> <processId> <crash: none | effect:<k> | record:<k>> [confirmTimeoutMs]
import type { EventStore } from '@ordo/core';
import { createDeadlineScheduler, createStoreEventSource } from '@ordo/projections';
import { createTransferWorld } from '@ordo/projections/testing';
import { openSqliteDatabase } from '../database.js';
import { createSqliteDeadLetterStore } from '../dead-letter-store.js';
import { createSqliteDeadlineStore } from '../deadline-store.js';
import { createSqliteEventStore } from '../event-store.js';
import { createSqliteReadStore } from '../read-store.js';

const [path, processId, crash = 'none', timeout] = process.argv.slice(2);
if (path === undefined || processId === undefined) throw new Error('usage: process-manager-child.ts <db> <processId>');
const [kind, at] = crash.split(':');
const crashAt = Number(at ?? 0);
const counts = { effect: 0, record: 0 };
/** Dies like `kill -9` right after the `crashAt`-th effect or process-stream append of its kind. */
const boundary = (which: 'effect' | 'record') => {
  counts[which] += 1;
  if (kind === which && counts[which] === crashAt) process.kill(process.pid, 'SIGKILL');
};

const database = openSqliteDatabase({ path, synchronous: 'normal' });
const events = createSqliteEventStore({ database });
const recording: EventStore = {
  ...events,
  appendToStream: async (streamId, batch, options) => {
    const result = await events.appendToStream(streamId, batch, options);
    if (streamId.startsWith('process-')) boundary('record');
    return result;
  },
  readStream: (streamId, options) => events.readStream(streamId, options),
  readAll: (options) => events.readAll(options),
  subscribe: (options) => events.subscribe(options),
  headPosition: () => events.headPosition(),
  findCommand: (streamId, commandId) => events.findCommand(streamId, commandId),
  close: () => events.close(),
};
const deadlines = createSqliteDeadlineStore({ database });
const world = createTransferWorld({
  store: recording,
  readStore: createSqliteReadStore({ database }),
  deadLetters: createSqliteDeadLetterStore({ database }),
  deadlines,
  source: createStoreEventSource(events),
  ...(timeout === undefined ? {} : { confirmTimeoutMs: Number(timeout) }),
  wrapAccounts: (accounts) => ({
    ...accounts,
    handle: (id, command, options) => accounts.handle(id, command, options).finally(() => boundary('effect')),
  }),
});
// A restart fires overdue deadlines first, as `scheduler.start()` does.
await createDeadlineScheduler({ deadlines, processManagers: [world.manager] }).fireDue();
const document = await world.settle(processId);
process.stdout.write(`${JSON.stringify({ done: true, document })}\n`);
database.close();
