import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createPartitioner, murmur2, partitionFor } from './partitioner.js';

// kafkajs does not export its murmur2; load its own module so the vectors come from kafkajs itself.
const require = createRequire(import.meta.url);
const kafkaMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: string) => number;
const { Partitioners } = require('kafkajs') as typeof import('kafkajs');

const kafkaPartition = (key: string, partitions: number): number => {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
};

function randomKey(index: number): string {
  const kind = index % 5;
  const length = index % 23;
  if (kind === 0) return `account-${index}`;
  if (kind === 1) return randomBytes(length).toString('base64');
  if (kind === 2)
    return Array.from({ length }, () => String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 2000))).join('');
  if (kind === 3) return `${'é'.repeat(length % 4)}🚀${index}Ω`;
  return Array.from({ length }, () => String.fromCodePoint(1 + Math.floor(Math.random() * 0x10fff0)))
    .join('')
    .replace(/[\uD800-\uDFFF]/g, 'x');
}

describe('murmur2', () => {
  it('matches kafkajs bit for bit on 5,000 random keys including unicode and the empty key', () => {
    const keys = ['', 'a', 'ab', 'abc', 'abcd', ...Array.from({ length: 5000 }, (_, i) => randomKey(i))];
    const mismatches = keys.filter((key) => murmur2(key) !== kafkaMurmur2(key));
    expect(mismatches).toEqual([]);
  });

  it('hashes bytes and their UTF-8 string identically', () => {
    expect(murmur2(new TextEncoder().encode('ünïcødé-42'))).toBe(murmur2('ünïcødé-42'));
  });

  it('gives the Java client reference value for a known key', () => {
    // Kafka's UtilsTest: murmur2("21") == -973932308.
    expect(murmur2('21')).toBe(-973932308);
  });
});

describe('partitionFor', () => {
  it("assigns every key the partition kafkajs's DefaultPartitioner picks, for many partition counts", () => {
    const counts = [1, 2, 3, 4, 5, 7, 8, 12, 16, 31, 64, 100, 1000];
    const mismatches: string[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const key = randomKey(i);
      for (const count of counts) {
        if (partitionFor(key, count) !== kafkaPartition(key, count)) mismatches.push(`${key}/${count}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('memoised partitioner agrees with partitionFor and rejects a bad partition count', () => {
    const partitioner = createPartitioner(12, 10);
    for (let i = 0; i < 100; i += 1) expect(partitioner(`s-${i % 30}`)).toBe(partitionFor(`s-${i % 30}`, 12));
    expect(() => createPartitioner(0)).toThrow(RangeError);
  });
});
