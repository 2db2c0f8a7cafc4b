import type { EventStore } from '@ordo/core';
import type { MiddlewareHandler } from 'hono';
import type { DocumentReader } from '../projection-ports.js';

/** What the console reads of the event store: streams, the global log and its head. */
export type ConsoleEventReader = Pick<EventStore, 'readStream' | 'readAll' | 'subscribe' | 'headPosition'>;

/** A process manager whose instances the console lists: its projection's name and the read store holding them. */
export interface ConsoleProcessManager {
  readonly name: string;
  readonly store: DocumentReader;
}

export interface ConsoleOptions {
  /** The event store behind the streams page (lookup, live tail, correlation search); without it that page is off. */
  readonly events?: ConsoleEventReader;
  /** Process managers for the processes page. */
  readonly processes?: readonly ConsoleProcessManager[];
  /**
   * Runs before every console route, pages and API alike: plug in the app's own authentication.
   * @example guard: async (c, next) => (c.req.header('authorization') === expected ? next() : c.text('', 401))
   */
  readonly guard?: MiddlewareHandler;
  /** How many of the newest events a correlation search scans; stores keep no index on metadata. Default 100,000. */
  readonly correlationScanLimit?: number;
  /** How often the live view pushes projection status, in ms; default 1,000. */
  readonly liveIntervalMs?: number;
}
