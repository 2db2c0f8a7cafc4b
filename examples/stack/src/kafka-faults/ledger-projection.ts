import { defineProjection, fromEvents, patch } from '@ordo/projections';
import { z } from 'zod';

/** The topic's and the projection's partition count in the fault tests. */
export const faultPartitions = 4;

/**
 * One document per stream with a key per applied stream version and the last one: a skipped event
 * leaves a key out, an out-of-order one leaves `last` behind. `spinMs` makes each event cost time,
 * so a kill lands inside a batch.
 */
export function ledgerProjection(spinMs = 0) {
  return defineProjection({
    name: 'ledger',
    partitions: faultPartitions,
    sources: [fromEvents({ Deposited: z.object({ amount: z.number() }) })],
    handlers: {
      Deposited: (event) => {
        const until = Date.now() + spinMs;
        while (Date.now() < until) {
          // Busy on purpose: a slow handler, not a timer the event loop could skip.
        }
        return patch(event.streamId, { last: event.streamVersion, [`v${event.streamVersion}`]: event.data.amount });
      },
    },
  });
}
