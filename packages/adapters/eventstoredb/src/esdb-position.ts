import { EsdbPositionError, EsdbSharedPositionError } from './errors.js';
import type { EsdbPosition } from './esdb-client.js';

/**
 * Ordo's global position is the event's commit position. Since ESDB 20 every append is an implicit
 * transaction whose events each carry their own log position, reported as the commit position, so
 * it increases strictly per event. (Servers differ on the prepare position: some report the
 * transaction's start, shared by a whole batch.) JS numbers hold positions up to 2^53 bytes of log.
 */
export function toOrdoPosition(position: EsdbPosition): number {
  const value = Number(position.commit);
  if (!Number.isSafeInteger(value) || value < 0) throw new EsdbPositionError(position.commit);
  return value;
}

/**
 * The `$all` position to start a read that must deliver everything after `after`. ESDB compares
 * `(log position, log position)` of each event with it, so the event at `after` itself comes back
 * too and callers drop it.
 */
export function readPositionAfter(after: number | undefined): 'start' | EsdbPosition {
  if (after === undefined || after <= 0) return 'start';
  if (!Number.isSafeInteger(after)) throw new RangeError(`Invalid position ${after}`);
  const at = BigInt(after);
  return { commit: at, prepare: at };
}

/**
 * Throws `EsdbSharedPositionError` when `next` shares `previous`'s commit position but is another
 * record (an explicit transaction's events: same commit, own prepare positions). A re-delivered
 * event has both parts equal and passes.
 */
export function assertOwnCommitPosition(previous: EsdbPosition | undefined, next: EsdbPosition): void {
  if (previous !== undefined && previous.commit === next.commit && previous.prepare !== next.prepare) {
    throw new EsdbSharedPositionError(next.commit);
  }
}

/**
 * Where to read on from after `cursor`: the last record received when it is the one at `cursor`
 * (its own prepare position, so a second event of the same commit still comes back and is refused),
 * else `readPositionAfter(cursor)`.
 */
export function resumeFrom(lastReceived: EsdbPosition | undefined, cursor: number): 'start' | EsdbPosition {
  if (lastReceived !== undefined && cursor > 0 && lastReceived.commit === BigInt(cursor)) return lastReceived;
  return readPositionAfter(cursor);
}
