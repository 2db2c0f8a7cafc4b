import { describe, expect, it } from 'vitest';
import { decodeKey, decodeKeys, encodeKey, encodeKeys } from './stored-keys.js';

describe('stored keys', () => {
  it('escapes dots, a leading $, % and the empty key, and nothing else', () => {
    expect(['plain', 'a.b', '$gt', 'a$b', '50%', '', '%2E', '$.'].map(encodeKey)).toEqual([
      'plain',
      'a%2Eb',
      '%24gt',
      'a$b',
      '50%25',
      '%',
      '%252E',
      '%24%2E',
    ]);
  });

  it('reverses every escape, so distinct keys stay distinct', () => {
    const keys = ['a.b', 'a%2Eb', '$x', '%24x', '', '%', '%%', '.', '$', 'ok'];
    const encoded = keys.map(encodeKey);
    expect(new Set(encoded).size).toBe(keys.length);
    expect(encoded.map(decodeKey)).toEqual(keys);
    for (const key of encoded) expect(key.includes('.') || key.startsWith('$') || key === '').toBe(false);
  });

  it('maps keys deep inside objects and arrays and returns untouched values as they are', () => {
    const plain = { a: [{ b: 1 }], c: { d: 'x.y' } };
    expect(encodeKeys(plain)).toBe(plain);
    const odd = { 'a.b': [{ $c: 1 }, 2], n: { '': null } };
    expect(encodeKeys(odd)).toEqual({ 'a%2Eb': [{ '%24c': 1 }, 2], n: { '%': null } });
    expect(decodeKeys(encodeKeys(odd))).toEqual(odd);
  });

  it('keeps an own __proto__ key as data', () => {
    const value = JSON.parse('{"__proto__": {"x.y": 1}}') as Record<string, unknown>;
    const encoded = encodeKeys(value);
    expect(Object.getOwnPropertyNames(encoded)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(encoded)).toBe(Object.prototype);
    expect(decodeKeys(encoded)).toEqual(value);
  });
});
