import type { ExpectedVersion } from '@ordo/core';
import { InvalidHeaderError } from './http-errors.js';

const entityTag = /^(W\/)?"([\x21\x23-\x7e]*)"$/;

/** A version (stream version, document version or position) as a strong entity tag: `3` -> `"3"`. */
export function formatEntityTag(version: number | string): string {
  return `"${version}"`;
}

function splitTags(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/**
 * Maps `If-Match` to an expected stream version: `"3"` -> 3, `*` -> `'stream_exists'`.
 * A well-formed tag that can never match (weak, or not a version) maps to -1, which no stream
 * satisfies, so the write fails its precondition (412) instead of being accepted.
 */
export function expectedVersionFromIfMatch(header: string | undefined): ExpectedVersion | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return 'stream_exists';
  const tags = splitTags(value);
  if (tags.length !== 1) throw new InvalidHeaderError('If-Match', 'send exactly one entity tag, e.g. "3"');
  const match = entityTag.exec(tags[0] ?? '');
  if (match === null) throw new InvalidHeaderError('If-Match', 'expected a quoted entity tag, e.g. "3"');
  const [, weak, opaque = ''] = match;
  if (weak !== undefined || !/^(0|[1-9]\d{0,15})$/.test(opaque)) return -1;
  return Number(opaque);
}

/** Weak comparison (RFC 9110 §13.1.2): true when `If-None-Match` lists `etag` or is `*`. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag || header.trim() === '*') return true;
  const opaque = withoutWeakness(etag);
  for (const tag of splitTags(header)) {
    if (withoutWeakness(tag) === opaque) return true;
  }
  return false;
}

function withoutWeakness(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
