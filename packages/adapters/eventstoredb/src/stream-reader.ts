import type { ReadStreamOptions, RecordedEvent } from '@ordo/core';
import { isStreamDeleted, isStreamNotFound } from './error-translation.js';
import { EsdbStreamDeletedError, EsdbStreamTruncatedError } from './errors.js';
import type { EsdbClient } from './esdb-client.js';
import { toRecordedEvent } from './event-mapping.js';
import { planStreamRead } from './stream-read-plan.js';
import { streamCut } from './stream-truncation.js';
import { endRead } from './streaming-read.js';

/** Stream reads on ESDB: missing streams read as empty, tombstones and lost history raise typed errors. */
export function createStreamReader(client: EsdbClient) {
  async function* readEsdbStream(
    streamId: string,
    fromRevision: 'start' | 'end' | bigint,
    direction: 'forwards' | 'backwards',
    maxCount: number,
    requiresLeader = false,
  ): AsyncGenerator<RecordedEvent> {
    const read = client.readStream(streamId, { fromRevision, direction, maxCount, requiresLeader });
    let complete = false;
    try {
      for await (const resolved of read) {
        if (resolved.event !== undefined) yield toRecordedEvent(resolved.event);
      }
      complete = true;
    } catch (error) {
      if (isStreamDeleted(error)) throw new EsdbStreamDeletedError(streamId);
      if (!isStreamNotFound(error)) throw error;
    } finally {
      // Leaving early (a bound reached, a consumer's break) must end the server call as well.
      if (!complete) await endRead(read);
    }
  }

  /** The stream's newest `count` events, newest first, from the leader (a follower's index may lag). */
  async function latest(streamId: string, count: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of readEsdbStream(streamId, 'end', 'backwards', count, true)) events.push(event);
    return events;
  }

  function readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const plan = planStreamRead(options);
    return (async function* () {
      if (plan === undefined) return;
      let count = 0;
      for await (const event of readEsdbStream(streamId, plan.fromRevision, plan.direction, plan.maxCount)) {
        if (count === 0 && plan.direction === 'forwards' && event.streamVersion > plan.first) {
          // The versions asked for are gone: folding what is left would act on part of the history.
          const cut = await streamCut(client, streamId, BigInt(event.streamVersion - 1));
          if (cut === 'expired') throw new EsdbStreamTruncatedError(streamId, event.streamVersion, undefined);
        }
        if (event.streamVersion < plan.lowest || event.streamVersion > plan.highest || count >= plan.limit) return;
        count += 1;
        yield event;
      }
    })();
  }

  return { readEsdbStream, latest, readStream };
}
