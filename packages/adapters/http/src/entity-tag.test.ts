import { describe, expect, it } from 'vitest';
import { expectedVersionFromIfMatch, formatEntityTag, ifNoneMatchHits } from './entity-tag.js';
import { InvalidHeaderError } from './http-errors.js';
import { kebabCase } from './kebab-case.js';

describe('expectedVersionFromIfMatch', () => {
  it('maps a quoted version to that expected version and * to an existing stream', () => {
    expect(expectedVersionFromIfMatch('"3"')).toBe(3);
    expect(expectedVersionFromIfMatch(' "0" ')).toBe(0);
    expect(expectedVersionFromIfMatch('*')).toBe('stream_exists');
    expect(expectedVersionFromIfMatch(undefined)).toBeUndefined();
  });

  it('maps tags that can never match a version to -1, so the write fails its precondition', () => {
    expect(expectedVersionFromIfMatch('W/"3"')).toBe(-1);
    expect(expectedVersionFromIfMatch('"abc"')).toBe(-1);
    expect(expectedVersionFromIfMatch('"03"')).toBe(-1);
  });

  it('rejects what is not one entity tag', () => {
    for (const header of ['3', '"3', '"3", "4"', '', 'W/3']) {
      expect(() => expectedVersionFromIfMatch(header)).toThrow(InvalidHeaderError);
    }
  });
});

describe('ifNoneMatchHits', () => {
  it('compares weakly and honours lists and *', () => {
    const etag = formatEntityTag(7);
    expect(etag).toBe('"7"');
    expect(ifNoneMatchHits('"7"', etag)).toBe(true);
    expect(ifNoneMatchHits('W/"7"', etag)).toBe(true);
    expect(ifNoneMatchHits('"1", "7"', etag)).toBe(true);
    expect(ifNoneMatchHits('*', etag)).toBe(true);
    expect(ifNoneMatchHits('"8"', etag)).toBe(false);
    expect(ifNoneMatchHits(undefined, etag)).toBe(false);
  });
});

describe('kebabCase', () => {
  it('derives route segments from type names', () => {
    expect(kebabCase('Deposit')).toBe('deposit');
    expect(kebabCase('OpenAccount')).toBe('open-account');
    expect(kebabCase('HTTPRequest2Go')).toBe('http-request2-go');
    expect(kebabCase('account_balances')).toBe('account-balances');
  });
});
