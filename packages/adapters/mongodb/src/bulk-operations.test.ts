import type { DocumentOperation } from '@ordo/projections';
import { describe, expect, it } from 'vitest';
import { coalesceOperations, toBulkOperations } from './bulk-operations.js';

const guard = (id: string, position: number) => ({
  _id: id,
  $or: [{ _pos: { $lt: position } }, { _pos: { $exists: false } }],
});

describe('toBulkOperations', () => {
  it('writes an upsert as a guarded replacement that may insert', () => {
    expect(toBulkOperations([{ type: 'upsert', id: 'a', document: { owner: 'ada' }, position: 7 }])).toEqual([
      { replaceOne: { filter: guard('a', 7), replacement: { _pos: 7, doc: { owner: 'ada' } }, upsert: true } },
    ]);
  });

  it('writes a delete as a guarded tombstone, so an older replayed upsert stays ignored', () => {
    expect(toBulkOperations([{ type: 'delete', id: 'a', position: 9 }])).toEqual([
      { replaceOne: { filter: guard('a', 9), replacement: { _pos: 9, _deleted: true }, upsert: true } },
    ]);
  });

  it('writes a patch as $set/$unset of top-level fields of live documents only, never inserting', () => {
    const [operation] = toBulkOperations([
      { type: 'patch', id: 'a', patch: { note: '$secret', n: 1, gone: undefined, 'a.b': { $x: 1 } }, position: 4 },
    ]);
    expect(operation).toEqual({
      updateOne: {
        filter: { ...guard('a', 4), _deleted: { $ne: true } },
        update: {
          $set: { _pos: 4, 'doc.note': '$secret', 'doc.n': 1, 'doc.a%2Eb': { '%24x': 1 } },
          $unset: { 'doc.gone': '' },
        },
      },
    });
    expect(JSON.stringify(operation)).not.toContain('"upsert"');
  });

  it('leaves $unset out of a patch that removes nothing (servers before 5.0 refuse an empty operator)', () => {
    const [operation] = toBulkOperations([{ type: 'patch', id: 'a', patch: { n: 1 }, position: 2 }]);
    expect(operation?.updateOne.update).toEqual({ $set: { _pos: 2, 'doc.n': 1 } });
  });

  it('stores an upsert with escaped keys', () => {
    const [operation] = toBulkOperations([
      { type: 'upsert', id: 'a', document: { 'x.y': 1, list: [{ $in: 2 }] }, position: 3 },
    ]);
    expect(operation?.replaceOne.replacement).toEqual({ _pos: 3, doc: { 'x%2Ey': 1, list: [{ '%24in': 2 }] } });
  });
});

describe('coalesceOperations', () => {
  it('keeps a batch that already has one operation per document as it is', () => {
    const batch: DocumentOperation[] = [
      { type: 'upsert', id: 'a', document: {}, position: 1 },
      { type: 'delete', id: 'b', position: 2 },
    ];
    expect(coalesceOperations(batch)).toEqual(batch);
  });

  it('folds several operations on one document into one, at the last position', () => {
    const folded = coalesceOperations([
      { type: 'patch', id: 'a', patch: { b: 2 }, position: 5 },
      { type: 'upsert', id: 'a', document: { a: 1, b: 1 }, position: 3 },
      { type: 'upsert', id: 'z', document: {}, position: 4 },
    ]);
    expect(folded).toEqual([
      { type: 'upsert', id: 'a', document: { a: 1, b: 2 }, position: 5 },
      { type: 'upsert', id: 'z', document: {}, position: 4 },
    ]);
  });
});
