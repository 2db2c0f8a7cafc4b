import type { EventRecord } from './event-message.js';

// Record (v2 format) framing: length, attributes, timestamp and offset deltas, key and value lengths, header count.
const recordOverhead = 40;
const headerOverhead = 10;

/** Bytes a record takes in an uncompressed Kafka record batch, rounded up. */
export function recordBytes(record: EventRecord): number {
  let bytes = recordOverhead + Buffer.byteLength(record.key) + Buffer.byteLength(record.value);
  for (const [name, value] of Object.entries(record.headers)) {
    bytes += headerOverhead + Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  return bytes;
}

/**
 * Splits records, in order, into groups of at most `maxBytes`. kafkajs writes all records of a
 * partition in one request as one record batch, which the broker refuses above `message.max.bytes`;
 * a record larger than `maxBytes` goes alone and the broker decides.
 */
export function splitRecords<T extends EventRecord>(records: readonly T[], maxBytes: number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = recordBytes(record);
    if (group.length > 0 && bytes + size > maxBytes) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(record);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
