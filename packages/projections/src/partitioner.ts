const seed = 0x9747b28c;
const m = 0x5bd1e995;
const encoder = new TextEncoder();

/**
 * Kafka's murmur2 (Java client `Utils.murmur2`, kafkajs `DefaultPartitioner`) over the UTF-8 bytes
 * of `key`, as a signed 32-bit integer.
 */
export function murmur2(key: string | Uint8Array): number {
  const data = typeof key === 'string' ? encoder.encode(key) : key;
  const length = data.length;
  let h = seed ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k =
      (data[i] as number) |
      ((data[i + 1] as number) << 8) |
      ((data[i + 2] as number) << 16) |
      ((data[i + 3] as number) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The tail bytes, as the reference switch with fall-through does.
  const tail = length & 3;
  if (tail === 3) h ^= (data[whole + 2] as number) << 16;
  if (tail >= 2) h ^= (data[whole + 1] as number) << 8;
  if (tail >= 1) {
    h ^= data[whole] as number;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * The partition Kafka's default partitioner picks for `key`: `toPositive(murmur2(key)) % partitions`.
 *
 * @example
 * partitionFor('account-42', 8); // same partition a kafkajs producer uses for key 'account-42'
 */
export function partitionFor(key: string, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/** A `partitionFor` with a bounded memo, since the same stream ids recur across a replay. */
export function createPartitioner(partitions: number, cacheSize = 100_000): (key: string) => number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`Invalid partition count ${partitions}`);
  if (partitions === 1) return () => 0;
  const cache = new Map<string, number>();
  return (key) => {
    let partition = cache.get(key);
    if (partition === undefined) {
      partition = partitionFor(key, partitions);
      if (cache.size >= cacheSize) cache.clear();
      cache.set(key, partition);
    }
    return partition;
  };
}
