import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EventSchemaError, UnknownEventTypeError } from './errors.js';
import type { RecordedEvent } from './event.js';
import { createEventCodec } from './event-codec.js';
import { bankAccount } from './test-support/bank-account.js';

const stored = (type: string, schemaVersion: number, data: unknown): RecordedEvent => ({
  id: 'e1',
  type,
  schemaVersion,
  streamId: 'account-1',
  streamVersion: 7,
  position: 70,
  timestamp: new Date(0).toISOString(),
  data,
  metadata: {},
});

describe('event codec', () => {
  const codec = bankAccount.codec;

  it('upcasts a v1 payload through v2 to v3 and validates the result', () => {
    const decoded = codec.decode(stored('MoneyDeposited', 1, { amount: '12.34' }));
    expect(decoded).toMatchObject({ schemaVersion: 3, data: { amount: 1234, currency: 'EUR' } });
  });

  it('upcasts from the middle of the chain and leaves current payloads alone', () => {
    expect(codec.decode(stored('MoneyDeposited', 2, { amount: 5 })).data).toEqual({ amount: 5, currency: 'EUR' });
    expect(codec.decode(stored('MoneyDeposited', 3, { amount: 5, currency: 'USD' })).data).toEqual({
      amount: 5,
      currency: 'USD',
    });
  });

  it('writes new events at the latest schema version', () => {
    expect(codec.encode({ type: 'MoneyDeposited', data: { amount: 1, currency: 'EUR' } }).schemaVersion).toBe(3);
    expect(codec.encode({ type: 'AccountOpened', data: { owner: 'ada', overdraftLimit: 0 } }).schemaVersion).toBe(1);
  });

  it('names the stream, version and type when a payload fails its schema after upcasting', () => {
    const error = (() => {
      try {
        codec.decode(stored('MoneyDeposited', 2, { amount: 'lots' }));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(EventSchemaError);
    expect(error).toMatchObject({ code: 'INVALID_EVENT', eventType: 'MoneyDeposited' });
    expect(String((error as Error).message)).toMatch(/MoneyDeposited at account-1@7 \(stored as schema v2\)/);
    expect((error as EventSchemaError).issues[0]?.path).toEqual(['amount']);
  });

  it('refuses to write a payload that fails its schema', () => {
    expect(() => codec.encode({ type: 'MoneyWithdrawn', data: { amount: 1.5 } })).toThrow(EventSchemaError);
  });

  it('rejects unknown event types on both paths', () => {
    expect(() => codec.decode(stored('Nope', 1, {}))).toThrow(UnknownEventTypeError);
    expect(() => codec.encode({ type: 'Nope', data: {} })).toThrow(UnknownEventTypeError);
    expect(() => codec.decode(stored('toString', 1, {}))).toThrow(UnknownEventTypeError);
  });

  it('refuses an upcaster chain with a hole in it', () => {
    expect(() => createEventCodec({ A: z.object({}) }, { A: { 1: (d) => d, 3: (d) => d } })).toThrow(/contiguous/);
  });

  describe("validateOnRead: 'upcasted'", () => {
    const trusting = createEventCodec(
      bankAccount.codec.schemas,
      {
        MoneyDeposited: { 1: (data) => ({ amount: Number((data as { amount: string }).amount), currency: 'EUR' }) },
      },
      { validateOnRead: 'upcasted' },
    );

    it('passes an event stored at the current version on as it is, unchecked', () => {
      const current = stored('MoneyWithdrawn', 1, { amount: 1.5 });
      expect(trusting.decode(current)).toBe(current);
    });

    it('still raises EventSchemaError for an upcasted payload that fails its schema', () => {
      expect(() => trusting.decode(stored('MoneyDeposited', 1, { amount: 'lots' }))).toThrow(EventSchemaError);
      expect(trusting.decode(stored('MoneyDeposited', 1, { amount: '7' })).data).toEqual({
        amount: 7,
        currency: 'EUR',
      });
    });

    it('still validates an event from a newer schema version and still rejects unknown types', () => {
      expect(() => trusting.decode(stored('MoneyWithdrawn', 2, { amount: 'x' }))).toThrow(EventSchemaError);
      expect(() => trusting.decode(stored('Nope', 1, {}))).toThrow(UnknownEventTypeError);
    });

    it("raises EventSchemaError for the same current-version payload in 'always' mode", () => {
      expect(codec.validateOnRead).toBe('always');
      expect(() => codec.decode(stored('MoneyWithdrawn', 1, { amount: 1.5 }))).toThrow(EventSchemaError);
    });

    it('refuses an unknown mode', () => {
      expect(() => createEventCodec({}, {}, { validateOnRead: 'never' as 'always' })).toThrow(RangeError);
    });
  });
});
