import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SnapshotStore } from '../snapshot-store.js';
import type { StoreFactory } from './event-store-contract.js';

/** The behaviour every snapshot store adapter must show. */
export function snapshotStoreContract(
  createStore: StoreFactory<SnapshotStore>,
  suiteName = 'snapshot store contract',
): void {
  describe(suiteName, () => {
    const streamId = () => `snap-${randomUUID()}`;
    const snapshot = (id: string, streamVersion: number, stateVersion = 1) => ({
      streamId: id,
      streamVersion,
      stateVersion,
      state: { balance: streamVersion * 10, owners: ['ada'], nested: { ok: true } },
    });

    it('loads nothing for a stream without a snapshot', async () => {
      const store = await createStore();
      expect(await store.load(streamId())).toBeUndefined();
    });

    it('round-trips state, stream version and state version', async () => {
      const store = await createStore();
      const id = streamId();
      await store.save(snapshot(id, 100));
      expect(await store.load(id)).toEqual(snapshot(id, 100));
    });

    it('keeps the newer snapshot when an older one arrives late', async () => {
      const store = await createStore();
      const id = streamId();
      await store.save(snapshot(id, 200));
      await store.save(snapshot(id, 100));
      expect((await store.load(id))?.streamVersion).toBe(200);
      await store.save(snapshot(id, 300));
      expect((await store.load(id))?.streamVersion).toBe(300);
    });

    it('replaces a snapshot written for another state version', async () => {
      const store = await createStore();
      const id = streamId();
      await store.save(snapshot(id, 200, 1));
      await store.save(snapshot(id, 100, 2));
      expect(await store.load(id)).toMatchObject({ streamVersion: 100, stateVersion: 2 });
    });

    it('hands out copies: mutating a loaded state changes nothing stored', async () => {
      const store = await createStore();
      const id = streamId();
      await store.save(snapshot(id, 1));
      const loaded = await store.load(id);
      expect(loaded).toBeDefined();
      (loaded as { state: { owners: string[] } }).state.owners.push('mallory');
      expect(await store.load(id)).toEqual(snapshot(id, 1));
    });
  });
}
