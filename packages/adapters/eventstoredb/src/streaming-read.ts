import type { EsdbClient, EsdbPosition, EsdbRecordedEvent, EsdbStreamingRead } from './esdb-client.js';

/** Ends a read left early: `cancel()` where the client has one (leaving a loop already called `return()`). */
export async function endRead(read: EsdbStreamingRead): Promise<void> {
  await read.cancel?.().catch(() => undefined);
}

/** The first event a one-event `$all` read returns, or `undefined`. */
export async function readOneFromAll(
  client: EsdbClient,
  fromPosition: EsdbPosition,
  direction: 'forwards' | 'backwards',
): Promise<EsdbRecordedEvent | undefined> {
  const read = client.readAll({ fromPosition, direction, maxCount: 1 });
  try {
    for await (const resolved of read) {
      if (resolved.event?.position !== undefined) return resolved.event;
    }
    return undefined;
  } finally {
    await endRead(read);
  }
}
