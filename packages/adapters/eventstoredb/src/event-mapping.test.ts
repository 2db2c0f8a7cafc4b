import { describe, expect, it } from 'vitest';
import { isSystemEvent, ordoMetadataKey, toEventData, toRecordedEvent } from './event-mapping.js';

describe('toEventData / toRecordedEvent', () => {
  it('keeps id, type, data, metadata and schema version across the round trip', () => {
    const data = toEventData({
      id: 'a5a0b6c4-0000-4000-8000-000000000001',
      type: 'MoneyDeposited',
      data: { amount: 5 },
      schemaVersion: 3,
      metadata: { commandId: 'c1', tenant: 'acme' },
    });
    expect(data).toMatchObject({ id: 'a5a0b6c4-0000-4000-8000-000000000001', contentType: 'application/json' });
    expect(data.metadata).toEqual({ commandId: 'c1', tenant: 'acme', [ordoMetadataKey]: { schemaVersion: 3 } });
    const created = new Date('2026-01-02T03:04:05.678Z');
    const recorded = toRecordedEvent({
      streamId: 'account-1',
      id: data.id,
      revision: 4n,
      type: data.type,
      created,
      data: data.data,
      metadata: data.metadata,
      position: { commit: 900n, prepare: 900n },
    });
    expect(recorded).toEqual({
      id: data.id,
      type: 'MoneyDeposited',
      schemaVersion: 3,
      streamId: 'account-1',
      streamVersion: 5,
      position: 900,
      timestamp: created.toISOString(),
      data: { amount: 5 },
      metadata: { commandId: 'c1', tenant: 'acme' },
    });
  });

  it('generates an id and defaults the schema version to 1', () => {
    const data = toEventData({ type: 'X', data: {} });
    expect(data.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(data.metadata).toEqual({ [ordoMetadataKey]: { schemaVersion: 1 } });
  });

  it('reads events written by other tools (no or binary metadata) as schema version 1', () => {
    const base = { streamId: 's', id: 'i', revision: 0n, type: 'T', created: new Date(0), data: {} };
    const position = { commit: 1n, prepare: 1n };
    expect(toRecordedEvent({ ...base, position })).toMatchObject({ schemaVersion: 1, metadata: {} });
    expect(toRecordedEvent({ ...base, position, metadata: new Uint8Array([1]) })).toMatchObject({ metadata: {} });
  });

  it('refuses an event read without a $all position', () => {
    expect(() =>
      toRecordedEvent({ streamId: 's', id: 'i', revision: 0n, type: 'T', created: new Date(0), data: {} }),
    ).toThrow(/position/);
  });
});

describe('isSystemEvent', () => {
  it('flags $-prefixed streams and types', () => {
    expect(isSystemEvent({ streamId: '$stats', type: 'x' })).toBe(true);
    expect(isSystemEvent({ streamId: 's', type: '$metadata' })).toBe(true);
    expect(isSystemEvent({ streamId: 'account-1', type: 'Opened' })).toBe(false);
  });
});
