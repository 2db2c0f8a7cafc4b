import { createHash } from 'node:crypto';
import type { RecordedEvent } from '@ordo/core';
import { IdempotencyKeyReusedError, InvalidHeaderError } from './http-errors.js';

/** Visible ASCII (`!` to `~`), 1 to 255 characters: what `Idempotency-Key` accepts. */
export const idempotencyKeyPattern = '^[\\x21-\\x7E]{1,255}$';
const idempotencyKeyRegExp = new RegExp(idempotencyKeyPattern);

/** The metadata key under which a keyed command's events remember which request wrote them. */
export const requestDigestKey = 'idempotencyDigest';

/** The header's value as a command id, or a 400 when it breaks the pattern. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!idempotencyKeyRegExp.test(header)) {
    throw new InvalidHeaderError('Idempotency-Key', 'use 1 to 255 visible ASCII characters');
  }
  return header;
}

// Key order does not make another body: `{"a":1,"b":2}` and `{"b":2,"a":1}` are one request.
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A digest of the command type and body, stored with the events so a reused key can be told apart. */
export function requestDigest(commandType: string, body: unknown): string {
  return createHash('sha256').update(commandType).update('\u0000').update(canonicalJson(body)).digest('base64url');
}

/**
 * Throws when the events a key already wrote came from another command or body. Events written
 * before digests were recorded carry none and are accepted as the same request.
 */
export function assertSameRequest(key: string, digest: string, earlier: readonly RecordedEvent[]): void {
  const recorded = earlier[0]?.metadata[requestDigestKey];
  if (recorded !== undefined && recorded !== digest) throw new IdempotencyKeyReusedError(key);
}
