import { InvalidEventIdError } from './errors.js';
import type { NewEvent } from './event.js';

// The spellings .NET's Guid.Parse accepts that EventStoreDB would store: 8-4-4-4-12, in braces or
// parentheses, or 32 bare digits. EventStoreDB answers with the first, lowercase.
const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const canonicalForm = new RegExp(`^${uuid}$`);
const spellings = new RegExp(`^(?:\\{(${uuid})\\}|\\((${uuid})\\)|(${uuid})|([0-9a-f]{32}))$`, 'i');
const nil = '00000000-0000-0000-0000-000000000000';

/**
 * An event id in the one form every store keeps: a lowercase, hyphenated UUID. Other spellings of
 * a UUID (upper case, braces, no hyphens) are rewritten, so a retry spelled differently is still
 * recognised; anything else, and the nil UUID, raises `InvalidEventIdError`.
 *
 * @example
 * canonicalEventId('{A5A0B6C4-0000-4000-8000-000000000001}'); // 'a5a0b6c4-0000-4000-8000-000000000001'
 */
export function canonicalEventId(id: string): string {
  if (canonicalForm.test(id) && id !== nil) return id;
  const match = spellings.exec(id);
  const raw = match?.[1] ?? match?.[2] ?? match?.[3] ?? match?.[4];
  const hex = raw?.replaceAll('-', '').toLowerCase();
  if (hex === undefined || /^0+$/.test(hex)) throw new InvalidEventIdError(id);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The batch with every given id in canonical form (the same array when all already are); ids left out stay out. */
export function withCanonicalEventIds(events: readonly NewEvent[]): readonly NewEvent[] {
  let copy: NewEvent[] | undefined;
  events.forEach((event, index) => {
    if (event.id === undefined) return;
    const id = canonicalEventId(event.id);
    if (id === event.id) return;
    copy ??= [...events];
    copy[index] = { ...event, id };
  });
  return copy ?? events;
}
