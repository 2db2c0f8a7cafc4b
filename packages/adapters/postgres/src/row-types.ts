import pg from 'pg';

const int8 = 20;
const json = 114;
const jsonb = 3802;
const timestamptz = 1184;

/**
 * How result columns are parsed: int8 as a JS number (positions stay far below 2^53), JSON as its
 * text (parsed where it is used, or forwarded as is), timestamptz as an ISO-8601 UTC string.
 */
export const rowTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === int8) return Number;
    if (oid === json || oid === jsonb) return identity;
    if (oid === timestamptz) return isoTimestamp;
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

const identity = (text: string) => text;

/** `2026-12-04 22:22:12.123+00` (DateStyle ISO, any TimeZone) to `2026-12-04T22:22:12.123Z`. */
export function isoTimestamp(text: string): string {
  const offset = /([+-]\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(text);
  const local = offset === null ? text : text.slice(0, offset.index);
  const zone = offset === null ? 'Z' : `${offset[1]}:${offset[2] ?? '00'}`;
  return new Date(`${local.replace(' ', 'T')}${zone}`).toISOString();
}
