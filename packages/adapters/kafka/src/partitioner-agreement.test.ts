import { partitionFor } from '@ordo/projections';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';

const metadata = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));

describe('kafkajs DefaultPartitioner and @ordo/projections partitionFor', () => {
  it('put every stream id on the same partition for any partition count', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    const keys = [
      ...Array.from({ length: 500 }, (_, i) => `account-${i}`),
      'a',
      '',
      'äöü-ünïcödé-€',
      '🙂-stream',
      'x'.repeat(1000),
    ];
    for (const count of [1, 2, 3, 8, 12, 64]) {
      for (const key of keys) {
        const kafka = partitioner({ topic: 't', partitionMetadata: metadata(count), message: { key, value: null } });
        expect(kafka, `${key} over ${count}`).toBe(partitionFor(key, count));
      }
    }
  });

  it("agrees with the Java client's murmur2 (Kafka's UtilsTest vectors) through the real kafkajs partitioner", () => {
    const partitioner = Partitioners.DefaultPartitioner();
    const java: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const count of [1, 3, 7, 8, 64, 1000]) {
      for (const [key, hash] of java) {
        const expected = (hash & 0x7fffffff) % count;
        const kafka = partitioner({ topic: 't', partitionMetadata: metadata(count), message: { key, value: null } });
        expect([kafka, partitionFor(key, count)], `${key} over ${count}`).toEqual([expected, expected]);
      }
    }
  });

  it('differs from the legacy partitioner, which the relay must not use', () => {
    const legacy = Partitioners.LegacyPartitioner();
    const mismatches = Array.from({ length: 200 }, (_, i) => `account-${i}`).filter(
      (key) =>
        legacy({ topic: 't', partitionMetadata: metadata(8), message: { key, value: null } }) !== partitionFor(key, 8),
    );
    expect(mismatches.length).toBeGreaterThan(0);
  });
});
