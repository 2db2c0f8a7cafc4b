import { matchesFilter, type ReadAllOptions, type RecordedEvent } from '@ordo/core';
import type { EsdbClient, EsdbPosition } from './esdb-client.js';
import { assertOwnCommitPosition, resumeFrom, toOrdoPosition } from './esdb-position.js';
import { isSystemEvent, toRecordedEvent } from './event-mapping.js';
import { endRead } from './streaming-read.js';

// ESDB writes its own events after ours, so the head is looked for among the newest few.
const headScanLimit = 64;

/** `readAll` and `headPosition` on `$all`, in pages, skipping ESDB's own events. */
export function createAllReader(client: EsdbClient, defaultBatchSize: number) {
  function readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const batchSize = Math.max(1, options.batchSize ?? defaultBatchSize);
    return (async function* () {
      let cursor = options.after ?? 0;
      let previous: EsdbPosition | undefined;
      const to = options.to ?? Number.POSITIVE_INFINITY;
      while (cursor < to) {
        // A forward $all read includes the event at its start position, so ask for one more.
        const maxCount = cursor > 0 ? batchSize + 1 : batchSize;
        let fetched = 0;
        let fresh = 0;
        const read = client.readAll({ fromPosition: resumeFrom(previous, cursor), direction: 'forwards', maxCount });
        let complete = false;
        try {
          for await (const resolved of read) {
            fetched += 1;
            const raw = resolved.event;
            if (raw?.position === undefined) continue;
            // Two events at one commit position would read as one: refuse instead of dropping the second.
            assertOwnCommitPosition(previous, raw.position);
            previous = raw.position;
            const position = toOrdoPosition(raw.position);
            if (position <= cursor) continue;
            if (position > to) return;
            fresh += 1;
            cursor = position;
            if (isSystemEvent(raw)) continue;
            const event = toRecordedEvent(raw);
            if (matchesFilter(event, options.filter)) yield event;
          }
          complete = true;
        } finally {
          if (!complete) await endRead(read);
        }
        if (fresh === 0 || fetched < maxCount) return;
      }
    })();
  }

  async function headPosition(): Promise<number> {
    const read = client.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: headScanLimit });
    let head = 0;
    try {
      for await (const resolved of read) {
        const raw = resolved.event;
        if (raw?.position === undefined) continue;
        const position = toOrdoPosition(raw.position);
        if (head === 0) head = position;
        if (!isSystemEvent(raw)) return position;
      }
      return head;
    } finally {
      await endRead(read);
    }
  }

  return { readAll, headPosition };
}
