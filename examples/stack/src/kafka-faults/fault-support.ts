import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureKafkaTopic } from '@ordo/kafka';
import { createSqliteEventStore } from '@ordo/sqlite';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { faultPartitions } from './ledger-projection.js';

export const brokers = process.env.KAFKA_BROKERS;
export const mongodbUrl = process.env.MONGODB_URL;

export const kafka = new Kafka({
  clientId: 'ordo-fault-test',
  brokers: (brokers ?? '').split(','),
  logLevel: logLevel.NOTHING,
});

/** A fresh admin per use: a disconnected kafkajs client is never connected again (kafkajs issue 928). */
export async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** A temporary SQLite event store with `streams` streams of `perStream` deposits, appended round-robin. */
export async function seedStore(streams: number, perStream: number) {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-kafka-fault-'));
  const path = join(dir, 'events.sqlite');
  const store = createSqliteEventStore({ path, synchronous: 'normal' });
  for (let version = 1; version <= perStream; version += 1) {
    for (let s = 0; s < streams; s += 1) {
      const total = (10 * version * (version + 1)) / 2 + s * version;
      await store.appendToStream(`acct-${s}`, [{ type: 'Deposited', data: { amount: version * 10 + s, total } }]);
    }
  }
  const head = await store.headPosition();
  await store.close();
  return { path, head, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function createFaultTopic(topic: string): Promise<void> {
  await withAdmin((admin) => ensureKafkaTopic({ admin, topic, partitions: faultPartitions }));
}

export async function deleteTopics(topics: readonly string[]): Promise<void> {
  await withAdmin((admin) => admin.deleteTopics({ topics: [...topics] })).catch(() => {});
}

/** Records on the topic (events, duplicates and watermarks): the sum of the partitions' end offsets. */
export async function topicRecords(topic: string): Promise<number> {
  const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
}

export interface Child {
  readonly process: ChildProcess;
  output(): string;
  /** Resolves once the child printed a line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** Runs one of this folder's `*-child.ts` scripts as a real process. */
export function startChild(script: string, env: Record<string, string>): Child {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@ordo/source', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  return {
    process: child,
    output: () => output,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = pattern.exec(output);
        if (match) return match;
        if (child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`${script} did not print ${pattern}:\n${output}`);
    },
  };
}

export async function killHard(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = once(child.process, 'exit');
  child.process.kill('SIGKILL');
  await exited;
}

export async function stopGracefully(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = once(child.process, 'exit');
  child.process.kill('SIGTERM');
  await exited;
}

/** Polls `probe` every 50 ms until it holds, or fails after `timeoutMs`. */
export async function until(probe: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
