/**
 * Keys as stored: a key with a `.`, a leading `$`, a `%`, or an empty key is percent-escaped
 * (`.` → `%2E`, leading `$` → `%24`, `%` → `%25`, `''` → `%`), so every key is a plain field name
 * on any MongoDB-wire server (FerretDB refuses the others, update paths misread them) and an
 * update path `doc.<key>` always names one top-level field. The mapping is one-to-one and reversed on read.
 */
const needsEscape = (key: string): boolean =>
  key === '' || key.charCodeAt(0) === 36 || key.includes('.') || key.includes('%');

export function encodeKey(key: string): string {
  if (!needsEscape(key)) return key;
  if (key === '') return '%';
  const escaped = key.replaceAll('%', '%25').replaceAll('.', '%2E');
  return escaped.startsWith('$') ? `%24${escaped.slice(1)}` : escaped;
}

export function decodeKey(key: string): string {
  if (!key.includes('%')) return key;
  if (key === '%') return '';
  return key.replace(/%(25|2E|24)/g, (_, code: string) => (code === '25' ? '%' : code === '2E' ? '.' : '$'));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Maps every key of a JSON-like value, deep; returns the same value when no key changes. */
function mapKeys(value: unknown, map: (key: string) => string): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const mapped = mapKeys(item, map);
      if (mapped !== item) changed = true;
      return mapped;
    });
    return changed ? items : value;
  }
  if (!isPlainObject(value)) return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, item]): [string, unknown] => {
    const mappedKey = map(key);
    const mapped = mapKeys(item, map);
    if (mappedKey !== key || mapped !== item) changed = true;
    return [mappedKey, mapped];
  });
  // fromEntries defines own properties, so a `__proto__` key stays data.
  return changed ? Object.fromEntries(entries) : value;
}

/** A document's keys as stored (see `encodeKey`). */
export const encodeKeys = <T>(value: T): T => mapKeys(value, encodeKey) as T;

/** A stored document's keys as the user wrote them. */
export const decodeKeys = <T>(value: T): T => mapKeys(value, decodeKey) as T;
