import { AppendSignal } from '@ordo/core';
import type pg from 'pg';
import type { PostgresDatabase } from './database.js';
import { appendChannel } from './migrations.js';

/**
 * Wakes subscriptions when events are committed: by `LISTEN` on the schema's channel (the append
 * function NOTIFYs in its transaction, so the wake-up arrives after the commit), and by polling the
 * head position only while that connection is down.
 */
export interface ChangeListener {
  readonly signal: AppendSignal;
  /** Whether the LISTEN connection is up (polling is off). */
  readonly listening: boolean;
  /** Resolves once `signal` moved past `seenVersion`, or when `abort` fires. */
  waitForChange(seenVersion: number, abort: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface ChangeListenerOptions {
  readonly pollIntervalMs: number;
  readonly headPosition: () => Promise<number>;
}

const maxReconnectDelayMs = 2000;

export function createChangeListener(database: PostgresDatabase, options: ChangeListenerOptions): ChangeListener {
  const signal = new AppendSignal();
  const channel = appendChannel(database.schema);
  let client: pg.PoolClient | undefined;
  let connecting = false;
  let listening = false;
  let closed = false;
  let waiting = 0;
  let reconnectDelayMs = 50;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let lastHead = -1;

  const poll = () => {
    options.headPosition().then(
      (head) => {
        if (head !== lastHead) {
          lastHead = head;
          signal.notify();
        }
      },
      () => {}, // still down: the next tick tries again
    );
  };
  const startPolling = () => {
    if (pollTimer === undefined && !closed) pollTimer = setInterval(poll, options.pollIntervalMs);
  };
  const stopPolling = () => {
    if (pollTimer !== undefined) clearInterval(pollTimer);
    pollTimer = undefined;
  };

  function lost(connection: pg.PoolClient, error: unknown): void {
    if (client !== connection) return;
    client = undefined;
    listening = false;
    connection.release(error instanceof Error ? error : true);
    if (closed) return;
    if (waiting > 0) startPolling();
    reconnectTimer = setTimeout(listen, reconnectDelayMs);
    reconnectDelayMs = Math.min(maxReconnectDelayMs, reconnectDelayMs * 2);
    // Waiting subscriptions re-read: a commit may have come while nobody listened.
    signal.notify();
  }

  function listen(): void {
    reconnectTimer = undefined;
    if (closed || connecting || client !== undefined) return;
    connecting = true;
    void (async () => {
      let connection: pg.PoolClient | undefined;
      try {
        connection = await database.pool.connect();
        const current = connection;
        client = current;
        current.on('notification', (message) => {
          if (message.channel === channel) signal.notify();
        });
        current.on('error', (error) => lost(current, error));
        current.on('end', () => lost(current, new Error('LISTEN connection ended')));
        await current.query(`LISTEN "${channel}"`);
        if (closed) return current.release(true);
        listening = true;
        reconnectDelayMs = 50;
        stopPolling();
        // Anything committed before LISTEN took effect was not announced: readers look once more.
        signal.notify();
      } catch (error) {
        if (connection === undefined) {
          if (!closed) {
            if (waiting > 0) startPolling();
            reconnectTimer = setTimeout(listen, reconnectDelayMs);
            reconnectDelayMs = Math.min(maxReconnectDelayMs, reconnectDelayMs * 2);
          }
        } else lost(connection, error);
      } finally {
        connecting = false;
      }
    })();
  }

  return {
    signal,
    get listening() {
      return listening;
    },
    async waitForChange(seenVersion, abort) {
      waiting += 1;
      if (!listening) {
        startPolling();
        listen();
      }
      try {
        await signal.changedSince(seenVersion, abort);
      } finally {
        waiting -= 1;
        if (waiting === 0) stopPolling();
      }
    },
    async close() {
      closed = true;
      stopPolling();
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      const connection = client;
      client = undefined;
      listening = false;
      if (connection !== undefined) {
        await connection.query(`UNLISTEN "${channel}"`).catch(() => {});
        connection.release(true);
      }
      signal.notify();
    },
  };
}
