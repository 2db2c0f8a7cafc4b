import { describe, expect, it } from 'vitest';
import { InvalidEventIdError } from './errors.js';
import { canonicalEventId, withCanonicalEventIds } from './event-id.js';

const id = 'a5a0b6c4-00ab-4000-8000-0000000000ef';

describe('canonicalEventId', () => {
  it('keeps a lowercase hyphenated UUID as it is', () => {
    expect(canonicalEventId(id)).toBe(id);
  });

  it('rewrites the other spellings EventStoreDB accepts to the one it answers with', () => {
    // KurrentDB Grpc/Uuid.cs parses with Guid.Parse and returns Guid.ToString(): lowercase "D" form.
    for (const spelling of [id.toUpperCase(), `{${id}}`, `(${id.toUpperCase()})`, id.replaceAll('-', '')]) {
      expect(canonicalEventId(spelling)).toBe(id);
    }
  });

  it('refuses text that is not a UUID, and the nil UUID EventStoreDB refuses (Data/Event.cs)', () => {
    for (const bad of ['e1', '', ` ${id}`, `{${id}`, `${id.slice(0, 35)}g`, '00000000-0000-0000-0000-000000000000']) {
      expect(() => canonicalEventId(bad)).toThrow(InvalidEventIdError);
    }
  });
});

describe('withCanonicalEventIds', () => {
  it('returns the same batch when nothing changes, and a rewritten copy otherwise', () => {
    const batch = [
      { type: 'A', data: {} },
      { id, type: 'A', data: {} },
    ];
    expect(withCanonicalEventIds(batch)).toBe(batch);
    const rewritten = withCanonicalEventIds([{ id: id.toUpperCase(), type: 'A', data: {} }]);
    expect(rewritten.map((event) => event.id)).toEqual([id]);
  });
});
