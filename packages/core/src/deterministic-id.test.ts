import { describe, expect, it } from 'vitest';
import { deterministicUuid } from './deterministic-id.js';

describe('deterministicUuid', () => {
  it('gives the same version-5 shaped uuid for the same parts, and another for other parts', () => {
    const id = deterministicUuid('account-1', 'cmd-1', '0');
    expect(id).toBe(deterministicUuid('account-1', 'cmd-1', '0'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).not.toBe(deterministicUuid('account-1', 'cmd-1', '1'));
    expect(deterministicUuid('a', 'bc')).not.toBe(deterministicUuid('ab', 'c'));
  });
});
