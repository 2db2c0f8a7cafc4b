import { describe, expect, it } from 'vitest';
import { OperationCoalescer } from './coalesce-operations.js';
import { patch, remove, upsert } from './read-model-operation.js';

describe('OperationCoalescer', () => {
  it('folds patches into a preceding upsert without touching the handler-owned document', () => {
    const coalescer = new OperationCoalescer();
    const document = { owner: 'ada', balance: 1 };
    coalescer.add(upsert('a', document), 1);
    coalescer.add(patch('a', { balance: 2 }), 2);
    coalescer.add(patch('a', { note: 'x' }), 3);
    expect(coalescer.drain()).toEqual([
      { type: 'upsert', id: 'a', document: { owner: 'ada', balance: 2, note: 'x' }, position: 3 },
    ]);
    expect(document).toEqual({ owner: 'ada', balance: 1 });
  });

  it('merges patches, keeps a delete followed by a patch a delete, and lets a later upsert win', () => {
    const coalescer = new OperationCoalescer();
    const first = { a: 1 };
    coalescer.add(patch('p', first), 1);
    coalescer.add(patch('p', { b: 2, a: 3 }), 2);
    coalescer.add(remove('d'), 3);
    coalescer.add(patch('d', { a: 1 }), 4);
    coalescer.add(remove('u'), 5);
    coalescer.add(upsert('u', { fresh: true }), 6);
    expect(coalescer.drain()).toEqual([
      { type: 'patch', id: 'p', patch: { a: 3, b: 2 }, position: 2 },
      { type: 'delete', id: 'd', position: 4 },
      { type: 'upsert', id: 'u', document: { fresh: true }, position: 6 },
    ]);
    expect(first).toEqual({ a: 1 });
    expect(coalescer.size).toBe(0);
  });
});
