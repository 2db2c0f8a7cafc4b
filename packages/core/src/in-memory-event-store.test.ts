import { describe, expect, it } from 'vitest';
import { createInMemoryEventStore } from './in-memory-event-store.js';
import { eventStoreContract } from './testing/event-store-contract.js';

eventStoreContract(() => createInMemoryEventStore(), 'in-memory event store');

describe('in-memory event store', () => {
  it('assigns gap-free positions in commit order across streams', async () => {
    const store = createInMemoryEventStore();
    await store.appendToStream('a', [{ type: 'X', data: {} }]);
    await store.appendToStream('b', [
      { type: 'X', data: {} },
      { type: 'X', data: {} },
    ]);
    const positions: number[] = [];
    for await (const event of store.readAll()) positions.push(event.position);
    expect(positions).toEqual([1, 2, 3]);
    expect(await store.headPosition()).toBe(3);
  });

  it('keeps stored events immune to changes by writers and readers', async () => {
    const store = createInMemoryEventStore();
    const data = { items: [1] };
    await store.appendToStream('a', [{ type: 'X', data }]);
    data.items.push(2);
    for await (const event of store.readStream('a')) {
      expect(event.data).toEqual({ items: [1] });
      expect(() => (event.data as { items: number[] }).items.push(3)).toThrow(TypeError);
    }
  });
});
