import { describe, expect, it } from 'vitest';
import { assertEntityId, entityIdSchema, InvalidIdError, maxEntityIdLength } from './entity-id.js';

describe('the entity id rule', () => {
  it('accepts 1 to 100 visible characters, unicode included', () => {
    for (const id of ['a', 'alice', 'x'.repeat(maxEntityIdLength), 'zoë-42', 'a/b c']) {
      expect(() => assertEntityId(id)).not.toThrow();
      expect(entityIdSchema.safeParse(id).success).toBe(true);
    }
  });

  it('refuses empty, overlong and control-character ids with INVALID_ID', () => {
    for (const id of ['', 'x'.repeat(maxEntityIdLength + 1), 'a\u0000b', 'line\nbreak', 'esc\u001b', 'del\u007f']) {
      expect(() => assertEntityId(id)).toThrow(InvalidIdError);
      expect(entityIdSchema.safeParse(id).success).toBe(false);
    }
    expect(() => assertEntityId('x'.repeat(10_000))).toThrow(/at most 100 characters/);
  });
});
