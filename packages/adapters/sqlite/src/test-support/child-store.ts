// A store in a child process, driven by JSON lines on stdin; used by the multi-process tests.
import { createInterface } from 'node:readline';
import type { ExpectedVersion } from '@ordo/core';
import { createSqliteEventStore } from '../event-store.js';

type Command =
  | { op: 'append'; streamId: string; count: number; expectedVersion: ExpectedVersion }
  | { op: 'burst'; streamPrefix: string; appends: number; streams: number }
  | { op: 'bigBatch'; streamId: string; count: number }
  | { op: 'exit' };

const path = process.argv[2];
if (path === undefined) throw new Error('usage: child-store.ts <database path>');
const store = createSqliteEventStore({ path, busyTimeoutMs: 20_000 });
const reply = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const events = (count: number, label: string) =>
  Array.from({ length: count }, (_, i) => ({ type: 'ChildWrote', data: { label, i, pid: process.pid } }));

async function run(command: Command): Promise<object> {
  switch (command.op) {
    case 'append': {
      const result = await store.appendToStream(command.streamId, events(command.count, 'append'), {
        expectedVersion: command.expectedVersion,
      });
      return { ok: true, streamVersion: result.streamVersion, position: result.position };
    }
    case 'burst': {
      let written = 0;
      for (let i = 0; i < command.appends; i += 1) {
        const batch = events(1 + (i % 3), 'burst');
        await store.appendToStream(`${command.streamPrefix}${i % command.streams}`, batch);
        written += batch.length;
      }
      return { ok: true, written };
    }
    case 'bigBatch': {
      const batch = events(command.count, 'big');
      reply({ started: true });
      const result = await store.appendToStream(command.streamId, batch, { expectedVersion: 'no_stream' });
      return { ok: true, streamVersion: result.streamVersion };
    }
    case 'exit':
      await store.close();
      return { ok: true };
  }
}

reply({ ready: true });
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as Command;
  try {
    reply(await run(command));
  } catch (error) {
    reply({ ok: false, code: (error as { code?: string }).code ?? 'UNKNOWN', message: String(error) });
  }
  if (command.op === 'exit') break;
}
