import { createHash } from 'node:crypto';

/**
 * A name-based (RFC 4122 version 5 layout) UUID from its parts: the same parts always give the
 * same id, so a retried command writes events with the same ids and the store recognises them.
 */
export function deterministicUuid(...parts: readonly string[]): string {
  const hash = createHash('sha1').update(parts.join('\u0000')).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
