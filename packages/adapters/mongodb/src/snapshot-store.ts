import type { Snapshot, SnapshotStore } from '@ordo/core';
import type { Collection, Db } from 'mongodb';
import { assertDocumentSize } from './document-size.js';
import { isDuplicateKey } from './mongo-errors.js';

export interface MongoSnapshotStoreOptions {
  readonly db: Db;
  /** Default `ordo_snapshots`. */
  readonly collectionName?: string;
}

interface SnapshotDocument {
  _id: string;
  streamVersion: number;
  stateVersion: number;
  state: unknown;
}

/**
 * Aggregate snapshots in MongoDB, one document per stream. The replacement rule of
 * `shouldReplaceSnapshot` is the filter of a single conditional upsert, so concurrent writers never
 * replace a newer snapshot with an older one.
 *
 * @example
 * const snapshots = createMongoSnapshotStore({ db: client.db('app') });
 */
export function createMongoSnapshotStore(options: MongoSnapshotStoreOptions): SnapshotStore {
  const snapshots: Collection<SnapshotDocument> = options.db.collection(options.collectionName ?? 'ordo_snapshots');
  return {
    async load(streamId) {
      const found = await snapshots.findOne({ _id: streamId });
      if (found === null) return undefined;
      return { streamId, streamVersion: found.streamVersion, stateVersion: found.stateVersion, state: found.state };
    },
    async save(snapshot: Snapshot) {
      const replacement = {
        streamVersion: snapshot.streamVersion,
        stateVersion: snapshot.stateVersion,
        state: snapshot.state,
      };
      assertDocumentSize(snapshots.collectionName, snapshot.streamId, { _id: snapshot.streamId, ...replacement });
      const replace = () =>
        snapshots.replaceOne(
          {
            _id: snapshot.streamId,
            $or: [
              { stateVersion: { $ne: snapshot.stateVersion } },
              { streamVersion: { $lte: snapshot.streamVersion } },
            ],
          },
          replacement,
          // Undefined fields are left out, as JSON would, instead of coming back as null.
          { upsert: true, ignoreUndefined: true },
        );
      for (let attempt = 1; ; attempt += 1) {
        try {
          await replace();
          return;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          // E11000 means the guard missed: a newer snapshot (keep it), or, once, a concurrent first insert to re-check.
          if (attempt === 2) return;
        }
      }
    },
  };
}
