import { defineProjection, fromEvents, upsert } from '@ordo/projections';
import { z } from 'zod';

/** The topic's and the projection's partition count in the fault tests. */
export const faultPartitions = 4;

/**
 * One document per stream: its last applied version and the running total that event carries, so a
 * stream left behind or applied out of order shows. Whole-document upserts, which every MongoDB-wire
 * server takes (mongo-java-server lacks the pipeline updates patches use). `spinMs` makes each event
 * cost time, so a kill lands inside a batch.
 */
export function ledgerProjection(spinMs = 0) {
  return defineProjection({
    name: 'ledger',
    partitions: faultPartitions,
    sources: [fromEvents({ Deposited: z.object({ amount: z.number(), total: z.number() }) })],
    handlers: {
      Deposited: (event) => {
        const until = Date.now() + spinMs;
        while (Date.now() < until) {
          // Busy on purpose: a slow handler, not a timer the event loop could skip.
        }
        return upsert(event.streamId, { last: event.streamVersion, total: event.data.total });
      },
    },
  });
}
