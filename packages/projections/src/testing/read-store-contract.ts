import type { StoreFactory } from '@ordo/core/testing';
import { describe, expect, it } from 'vitest';
import { CollectionNotFoundError, InvalidQueryError } from '../errors.js';
import type { Document, DocumentOperation } from '../read-model-operation.js';
import type { FindQueryInput } from '../read-model-query.js';
import type { ReadStore, StoredDocument } from '../read-store.js';
import { uniqueCollection } from './checkpoint-store-contract.js';

const indexes = { owner: 'string', balance: 'number', open: 'boolean', 'address.city': 'string' } as const;

async function collectionIn(store: ReadStore): Promise<string> {
  const collection = uniqueCollection('rs');
  await store.ensureCollection(collection, { indexes });
  return collection;
}

const up = (id: string, document: Document, position: number): DocumentOperation => ({
  type: 'upsert',
  id,
  document,
  position,
});

async function seed(store: ReadStore, collection: string, count: number): Promise<void> {
  const operations = Array.from({ length: count }, (_, i) =>
    up(
      `doc-${String(i).padStart(3, '0')}`,
      {
        owner: `owner-${i % 4}`,
        balance: (i * 37) % 50,
        open: i % 3 !== 0,
        address: { city: i % 2 ? 'Oslo' : 'Rome' },
      },
      i + 1,
    ),
  );
  await store.commit({ collection, partition: 0, operations, checkpoint: count });
}

async function pages(store: ReadStore, name: string, query: FindQueryInput): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.find(name, { ...query, ...(cursor === undefined ? {} : { cursor }) });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return ids;
}

/**
 * The behaviour every read store adapter must show: atomic batches with checkpoints, position
 * guards, validated queries, keyset pagination, and alias switching.
 *
 * @example
 * readStoreContract(() => createSqliteReadStore({ path: ':memory:' }));
 */
export function readStoreContract(createStore: StoreFactory<ReadStore>, suiteName = 'read store contract'): void {
  describe(suiteName, () => {
    describe('commit', () => {
      it('applies upserts, patches and deletes and moves the checkpoint with them', async () => {
        const store = await createStore();
        const collection = await collectionIn(store);
        await store.commit({
          collection,
          partition: 2,
          operations: [up('a', { owner: 'ada', balance: 1 }, 3), up('b', { owner: 'bob', balance: 2 }, 4)],
          checkpoint: 4,
        });
        await store.commit({
          collection,
          partition: 2,
          operations: [
            { type: 'patch', id: 'a', patch: { balance: 10, note: null }, position: 6 },
            { type: 'delete', id: 'b', position: 7 },
          ],
          checkpoint: 9,
        });
        expectStored(await store.get(collection, 'a'), {
          id: 'a',
          document: { owner: 'ada', balance: 10, note: null },
          position: 6,
        });
        expect(await store.get(collection, 'b')).toBeUndefined();
        expect((await store.checkpoints.load(collection)).get(2)).toBe(9);
      });

      it('ignores operations at or below the stored position, so a replayed batch changes nothing', async () => {
        const store = await createStore();
        const collection = await collectionIn(store);
        await store.commit({ collection, partition: 0, operations: [up('a', { owner: 'new', balance: 5 }, 10)] });
        await store.commit({
          collection,
          partition: 0,
          operations: [up('a', { owner: 'old', balance: 1 }, 9)],
        });
        await store.commit({ collection, partition: 0, operations: [{ type: 'delete', id: 'a', position: 8 }] });
        await store.commit({
          collection,
          partition: 0,
          operations: [{ type: 'patch', id: 'a', patch: { balance: 0 }, position: 10 }],
        });
        expectStored(await store.get(collection, 'a'), {
          id: 'a',
          document: { owner: 'new', balance: 5 },
          position: 10,
        });
      });

      it('removes a field a patch sets to undefined, as JSON leaves it out', async () => {
        const store = await createStore();
        const collection = await collectionIn(store);
        await store.commit({ collection, partition: 0, operations: [up('a', { owner: 'ada', note: 'x', n: 1 }, 1)] });
        await store.commit({
          collection,
          partition: 0,
          operations: [{ type: 'patch', id: 'a', patch: { note: undefined, n: 2 }, position: 2 }],
        });
        const stored = await store.get(collection, 'a');
        expect(stored?.document).toStrictEqual({ owner: 'ada', n: 2 });
      });

      it('patches top-level keys that contain dots or start with $ as plain keys, never as paths', async () => {
        const store = await createStore();
        const collection = await collectionIn(store);
        const document = { owner: 'ada', address: { city: 'Oslo' }, 'address.city': 'flat', $price: 1 };
        await store.commit({ collection, partition: 0, operations: [up('a', document, 1)] });
        await store.commit({
          collection,
          partition: 0,
          operations: [
            { type: 'patch', id: 'a', patch: { 'address.city': 'Rome', $price: { $gt: 2 }, '': 'empty' }, position: 2 },
          ],
        });
        expect((await store.get(collection, 'a'))?.document).toStrictEqual({
          owner: 'ada',
          address: { city: 'Oslo' },
          'address.city': 'Rome',
          $price: { $gt: 2 },
          '': 'empty',
        });
        const page = await store.find(collection, { filter: [{ field: 'address.city', op: 'eq', value: 'Oslo' }] });
        expect(page.items.map((item) => item.id)).toEqual(['a']);
      });

      it('ignores a patch of a missing document', async () => {
        const store = await createStore();
        const collection = await collectionIn(store);
        await store.commit({
          collection,
          partition: 0,
          operations: [{ type: 'patch', id: 'ghost', patch: { balance: 1 }, position: 1 }],
        });
        expect(await store.get(collection, 'ghost')).toBeUndefined();
      });

      it('returns the existing documents of a batch from getMany, which callers cannot change the store through', async () => {
        const store = await createStore();
        const collection = await collectionIn(store);
        await store.commit({
          collection,
          partition: 0,
          operations: [up('a', { owner: 'ada', tags: ['x'] }, 1), up('b', { owner: 'bob' }, 2)],
        });
        const found = await store.getMany(collection, ['a', 'missing', 'b']);
        expect([...found.keys()].sort()).toEqual(['a', 'b']);
        expect(found.get('a')).toEqual({ id: 'a', document: { owner: 'ada', tags: ['x'] }, position: 1 });
        try {
          (found.get('a')?.document.tags as string[] | undefined)?.push('y');
        } catch {
          // Frozen documents refuse the change, which is as good as a copy.
        }
        expect((await store.get(collection, 'a'))?.document).toEqual({ owner: 'ada', tags: ['x'] });
      });

      it('rejects reads of an unknown collection with CollectionNotFoundError', async () => {
        const store = await createStore();
        await expect(store.get(uniqueCollection('nope'), 'a')).rejects.toBeInstanceOf(CollectionNotFoundError);
        await expect(store.find(uniqueCollection('nope'))).rejects.toBeInstanceOf(CollectionNotFoundError);
      });
    });

    describe('find', () => {
      it('filters on indexed fields with equality, range and set operators', async () => {
        const store = await createStore();
        const collection = await collectionIn(store);
        await seed(store, collection, 40);
        const ids = async (query: FindQueryInput) => (await pages(store, collection, { limit: 7, ...query })).sort();
        const expected = (predicate: (i: number) => boolean) =>
          Array.from({ length: 40 }, (_, i) => i)
            .filter(predicate)
            .map((i) => `doc-${String(i).padStart(3, '0')}`);
        expect(await ids({ filter: [{ field: 'owner', op: 'eq', value: 'owner-1' }] })).toEqual(
          expected((i) => i % 4 === 1),
        );
        expect(await ids({ filter: [{ field: 'owner', op: 'ne', value: 'owner-1' }] })).toEqual(
          expected((i) => i % 4 !== 1),
        );
        expect(
          await ids({
            filter: [
              { field: 'balance', op: 'gte', value: 20 },
              { field: 'balance', op: 'lt', value: 30 },
            ],
          }),
        ).toEqual(expected((i) => (i * 37) % 50 >= 20 && (i * 37) % 50 < 30));
        expect(await ids({ filter: [{ field: 'balance', op: 'gt', value: 45 }] })).toEqual(
          expected((i) => (i * 37) % 50 > 45),
        );
        expect(await ids({ filter: [{ field: 'balance', op: 'lte', value: 3 }] })).toEqual(
          expected((i) => (i * 37) % 50 <= 3),
        );
        expect(await ids({ filter: [{ field: 'owner', op: 'in', value: ['owner-0', 'owner-3'] }] })).toEqual(
          expected((i) => i % 4 === 0 || i % 4 === 3),
        );
        expect(await ids({ filter: [{ field: 'open', op: 'eq', value: false }] })).toEqual(
          expected((i) => i % 3 === 0),
        );
        expect(await ids({ filter: [{ field: 'address.city', op: 'eq', value: 'Oslo' }] })).toEqual(
          expected((i) => i % 2 === 1),
        );
      });

      it('sorts on an indexed field with id as tie-break, both directions, across pages', async () => {
        const store = await createStore();
        const collection = await collectionIn(store);
        await seed(store, collection, 30);
        const all = Array.from({ length: 30 }, (_, i) => ({
          id: `doc-${String(i).padStart(3, '0')}`,
          balance: (i * 37) % 50,
        }));
        const asc = [...all].sort((a, b) => a.balance - b.balance || (a.id < b.id ? -1 : 1)).map((d) => d.id);
        expect(await pages(store, collection, { sort: { field: 'balance', direction: 'asc' }, limit: 4 })).toEqual(asc);
        expect(await pages(store, collection, { sort: { field: 'balance', direction: 'desc' }, limit: 4 })).toEqual(
          [...asc].reverse(),
        );
        expect(await pages(store, collection, { limit: 8 })).toEqual(all.map((d) => d.id));
      });

      it('puts documents without the sort field first ascending and last descending', async () => {
        const store = await createStore();
        const collection = await collectionIn(store);
        await store.commit({
          collection,
          partition: 0,
          operations: [
            up('a', { balance: 2 }, 1),
            up('b', {}, 2),
            up('c', { balance: 1 }, 3),
            up('d', { balance: null }, 4),
          ],
        });
        expect(await pages(store, collection, { sort: { field: 'balance' }, limit: 1 })).toEqual(['b', 'd', 'c', 'a']);
        expect(await pages(store, collection, { sort: { field: 'balance', direction: 'desc' }, limit: 1 })).toEqual([
          'a',
          'c',
          'd',
          'b',
        ]);
        expect(await pages(store, collection, { filter: [{ field: 'balance', op: 'eq', value: null }] })).toEqual([
          'b',
          'd',
        ]);
      });

      it('pages without repeating or skipping unchanged documents while others are written', async () => {
        const store = await createStore();
        const collection = await collectionIn(store);
        await seed(store, collection, 20);
        const seen: string[] = [];
        let page = await store.find(collection, { sort: { field: 'owner' }, limit: 5 });
        let position = 100;
        while (true) {
          seen.push(...page.items.map((item) => item.id));
          position += 1;
          // New documents land before and after the cursor between pages.
          await store.commit({
            collection,
            partition: 0,
            operations: [up(`new-${position}`, { owner: position % 2 ? 'aaa' : 'zzz', balance: 1 }, position)],
          });
          if (page.nextCursor === undefined) break;
          page = await store.find(collection, { sort: { field: 'owner' }, limit: 5, cursor: page.nextCursor });
        }
        const original = seen.filter((id) => id.startsWith('doc-'));
        expect(original.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `doc-${String(i).padStart(3, '0')}`));
        expect(new Set(seen).size).toBe(seen.length);
      });

      it('rejects unindexed fields, unknown operators, mistyped values and foreign cursors', async () => {
        const store = await createStore();
        const collection = await collectionIn(store);
        await seed(store, collection, 6);
        const bad: unknown[] = [
          { filter: [{ field: 'secret', op: 'eq', value: 1 }] },
          { filter: [{ field: 'owner', op: '$where', value: 'sleep(1)' }] },
          { filter: [{ field: 'owner', op: 'eq', value: { $ne: null } }] },
          { filter: [{ field: 'balance', op: 'eq', value: 'ten' }] },
          { filter: [{ field: 'open', op: 'gt', value: true }] },
          { filter: [{ field: "owner') OR 1=1 --", op: 'eq', value: 'x' }] },
          { sort: { field: 'secret' } },
          { limit: 0 },
          { cursor: 'not-a-cursor' },
          { extra: true },
        ];
        for (const query of bad) {
          await expect(store.find(collection, query as FindQueryInput), JSON.stringify(query)).rejects.toBeInstanceOf(
            InvalidQueryError,
          );
        }
        const first = await store.find(collection, { sort: { field: 'balance' }, limit: 2 });
        expect(first.nextCursor).toBeDefined();
        await expect(
          store.find(collection, { sort: { field: 'owner' }, limit: 2, cursor: first.nextCursor ?? '' }),
        ).rejects.toBeInstanceOf(InvalidQueryError);
      });
    });

    describe('aliases', () => {
      it('switches an alias atomically between collections and drops the old one with its checkpoints', async () => {
        const store = await createStore();
        const v1 = await collectionIn(store);
        const v2 = await collectionIn(store);
        const alias = v1.replace(/_v1$/, '');
        await store.commit({ collection: v1, partition: 0, operations: [up('a', { owner: 'v1' }, 1)], checkpoint: 1 });
        await store.commit({ collection: v2, partition: 0, operations: [up('a', { owner: 'v2' }, 1)], checkpoint: 1 });
        expect(await store.resolveAlias(alias)).toBeUndefined();
        await store.switchAlias(alias, v1);
        expect((await store.get(alias, 'a'))?.document).toEqual({ owner: 'v1' });
        await store.switchAlias(alias, v2);
        expect(await store.resolveAlias(alias)).toBe(v2);
        expect((await store.find(alias)).items.map((item) => item.document)).toEqual([{ owner: 'v2' }]);
        await store.dropCollection(v1);
        expect(await store.listCollections()).not.toContain(v1);
        expect(await store.listCollections()).toContain(v2);
        expect([...(await store.checkpoints.load(v1))]).toEqual([]);
        await expect(store.get(v1, 'a')).rejects.toBeInstanceOf(CollectionNotFoundError);
      });

      it('refuses to point an alias at a collection that does not exist', async () => {
        const store = await createStore();
        await expect(store.switchAlias('ghost', uniqueCollection('ghost'))).rejects.toBeInstanceOf(
          CollectionNotFoundError,
        );
      });
    });
  });
}

/** A stored document equals the expected one; its JSON text, when the store provides it, says the same. */
function expectStored(stored: StoredDocument | undefined, expected: Omit<StoredDocument, 'json'>): void {
  expect(stored && { id: stored.id, document: stored.document, position: stored.position }).toEqual(expected);
  if (stored?.json !== undefined) expect(JSON.parse(stored.json)).toEqual(expected.document);
}
