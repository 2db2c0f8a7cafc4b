import type { RecordedEvent } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import { KafkaMessageFormatError } from './errors.js';
import {
  fromKafkaMessage,
  headerText,
  ordoHeaders,
  toKafkaMessage,
  toWatermarkMessage,
  watermarkOf,
} from './event-message.js';

const event: RecordedEvent = {
  id: '0b9f3c5e-4f7e-4c1a-9b53-3f1d6f1f0a01',
  type: 'MoneyDeposited',
  schemaVersion: 2,
  streamId: 'account-42',
  streamVersion: 7,
  position: 1234,
  timestamp: '2026-01-02T03:04:05.678Z',
  data: { amount: 10, note: { nested: [1, 'x'] } },
  metadata: { commandId: 'c1', correlationId: 'corr' },
};
const origin = { topic: 't', partition: 3, offset: '17' };

describe('toKafkaMessage', () => {
  it('keys the record by stream id and carries the envelope as JSON', () => {
    const record = toKafkaMessage(event);
    expect(record.key).toBe('account-42');
    expect(JSON.parse(record.value)).toEqual(event);
  });

  it("carries the causing command's W3C trace context as traceparent and tracestate headers", () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const traced = { ...event, metadata: { ...event.metadata, traceparent, tracestate: 'ordo=1' } };
    expect(toKafkaMessage(traced).headers).toMatchObject({ traceparent, tracestate: 'ordo=1' });
    expect(toKafkaMessage(event).headers).not.toHaveProperty('traceparent');
  });

  it('sets routing headers for id, type, position, versions and content type', () => {
    const { headers } = toKafkaMessage(event);
    expect(headers).toMatchObject({
      [ordoHeaders.id]: event.id,
      [ordoHeaders.type]: 'MoneyDeposited',
      [ordoHeaders.position]: '1234',
      [ordoHeaders.streamVersion]: '7',
      [ordoHeaders.schemaVersion]: '2',
      [ordoHeaders.contentType]: 'application/json',
    });
  });
});

describe('fromKafkaMessage', () => {
  it('round-trips an envelope from the Buffer kafkajs hands out', () => {
    const record = toKafkaMessage(event);
    expect(fromKafkaMessage(Buffer.from(record.value), origin)).toEqual(event);
  });

  it('rejects a value that is not JSON, naming the record', () => {
    const error = (() => {
      try {
        fromKafkaMessage(Buffer.from('not json'), origin);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(KafkaMessageFormatError);
    expect(error).toMatchObject({ code: 'KAFKA_MESSAGE_FORMAT', topic: 't', partition: 3, offset: '17' });
  });

  it('rejects JSON that is not an Ordo envelope, with the schema issues', () => {
    const foreign = JSON.stringify({ ...event, position: -1, streamVersion: 0 });
    expect(() => fromKafkaMessage(foreign, origin)).toThrow(KafkaMessageFormatError);
    expect(() => fromKafkaMessage(null, origin)).toThrow(KafkaMessageFormatError);
  });
});

describe('headerText', () => {
  it('decodes Buffer, string and array headers, and reports absent ones', () => {
    expect(headerText({ a: Buffer.from('x') }, 'a')).toBe('x');
    expect(headerText({ a: 'y' }, 'a')).toBe('y');
    expect(headerText({ a: [Buffer.from('z'), 'w'] }, 'a')).toBe('z');
    expect(headerText({}, 'a')).toBeUndefined();
    expect(headerText(undefined, 'a')).toBeUndefined();
  });
});

describe('toWatermarkMessage / watermarkOf', () => {
  it('addresses one partition explicitly and carries the position in a header', () => {
    const record = toWatermarkMessage(5, 1234);
    expect(record.partition).toBe(5);
    expect(watermarkOf({ [ordoHeaders.watermark]: Buffer.from(record.headers[ordoHeaders.watermark] ?? '') })).toBe(
      1234,
    );
  });

  it('reads event records and malformed headers as no watermark', () => {
    expect(watermarkOf(toKafkaMessage(event).headers)).toBeUndefined();
    expect(watermarkOf({ [ordoHeaders.watermark]: 'nope' })).toBeUndefined();
    expect(watermarkOf({ [ordoHeaders.watermark]: '-4' })).toBeUndefined();
  });
});
