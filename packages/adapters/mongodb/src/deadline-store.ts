import { type Deadline, type DeadlineStore, deadlineSchema } from '@ordo/projections';
import type { Collection, Db } from 'mongodb';
import { ensureIndexesOnce } from './ensure-indexes-once.js';
import { MongoInvalidDeadlineError } from './mongo-errors.js';
import { retryDuplicateKey } from './retry-duplicate-key.js';

export interface MongoDeadlineStoreOptions {
  readonly db: Db;
  /** Default `ordo_deadlines`. */
  readonly collectionName?: string;
}

export type MongoDeadlineStore = DeadlineStore;

interface DeadlineDocument {
  _id: string;
  processName: string;
  processId: string;
  step: number;
  /** A BSON date, so the server orders by instant (ISO strings with offsets or no millis would not sort). */
  dueAt: Date;
}

const byDueTime = { dueAt: 1, _id: 1 } as const;

function toDocument(input: Deadline): DeadlineDocument {
  const parsed = deadlineSchema.safeParse(input);
  if (!parsed.success) throw new MongoInvalidDeadlineError(parsed.error.issues.map((issue) => issue.message));
  const { id, processName, processId, step, dueAt } = parsed.data;
  const instant = new Date(dueAt);
  if (Number.isNaN(instant.getTime()))
    throw new MongoInvalidDeadlineError([`dueAt ${JSON.stringify(dueAt)} is not a date`]);
  return { _id: id, processName, processId, step, dueAt: instant };
}

const toDeadline = ({ _id, processName, processId, step, dueAt }: DeadlineDocument): Deadline => ({
  id: _id,
  processName,
  processId,
  step,
  dueAt: dueAt.toISOString(),
});

/**
 * Process-manager deadlines in MongoDB (`ordo_deadlines`), one document per deadline id with its due
 * time as a BSON date under an index, so they survive restarts and a scheduler in any process sees
 * them. Scheduling is an upsert that keeps the first entry of an id (ids are deterministic, so a
 * repeat carries the same deadline).
 *
 * @example
 * const deadlines = createMongoDeadlineStore({ db: client.db('app') });
 * const scheduler = createDeadlineScheduler({ deadlines, processManagers: [transfers] });
 */
export function createMongoDeadlineStore(options: MongoDeadlineStoreOptions): MongoDeadlineStore {
  const deadlines: Collection<DeadlineDocument> = options.db.collection(options.collectionName ?? 'ordo_deadlines');
  const ensureIndexes = ensureIndexesOnce(deadlines, [
    { key: byDueTime, name: 'ordo_due' },
    { key: { processName: 1, processId: 1, dueAt: 1, _id: 1 }, name: 'ordo_process' },
  ]);

  return {
    async schedule(deadline) {
      const { _id, ...fields } = toDocument(deadline);
      await ensureIndexes();
      // Two schedulers upserting one new id at once: the loser's insert meets the winner's document.
      await retryDuplicateKey(() => deadlines.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true }));
    },
    async due(now, limit = 100) {
      // MongoDB reads a limit of 0 as "no limit".
      if (limit <= 0) return [];
      await ensureIndexes();
      const found = await deadlines
        .find({ dueAt: { $lte: now } })
        .sort(byDueTime)
        .limit(limit)
        .toArray();
      return found.map(toDeadline);
    },
    async next() {
      await ensureIndexes();
      const [first] = await deadlines.find({}).sort(byDueTime).limit(1).toArray();
      return first === undefined ? undefined : toDeadline(first);
    },
    async list(processName, processId) {
      await ensureIndexes();
      const found = await deadlines
        .find({
          processName: { $eq: processName },
          ...(processId === undefined ? {} : { processId: { $eq: processId } }),
        })
        .sort(byDueTime)
        .toArray();
      return found.map(toDeadline);
    },
    async remove(id) {
      await deadlines.deleteOne({ _id: { $eq: id } });
    },
  };
}
