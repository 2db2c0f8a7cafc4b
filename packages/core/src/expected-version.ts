import { ConcurrencyError } from './errors.js';

/** What a writer believes about a stream: its exact version, that it is new, that it exists, or nothing. */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

/** Throws `ConcurrencyError` unless a stream at `actual` (0 = absent) satisfies `expected`. */
export function assertExpectedVersion(streamId: string, expected: ExpectedVersion, actual: number): void {
  if (!matchesExpectedVersion(expected, actual)) throw new ConcurrencyError(streamId, expected, actual);
}

export function matchesExpectedVersion(expected: ExpectedVersion, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 0;
    case 'stream_exists':
      return actual > 0;
    default:
      return actual === expected;
  }
}
