import { z } from 'zod';
import { OrdoError } from './errors.js';

/** The longest id an aggregate instance (and so a route's `:id`) may have, in UTF-16 code units. */
export const maxEntityIdLength = 100;

// Control characters (NUL, newlines, ESC...) break logs, terminals and some stores' keys.
const controlCharacter = /\p{Cc}/u;
const rules = {
  empty: 'must not be empty',
  long: `must be at most ${maxEntityIdLength} characters`,
  control: 'must not contain control characters (NUL, newlines, ...)',
} as const;

/**
 * The one id rule for every aggregate, command route and query route: 1 to 100 characters,
 * no control characters (U+0000–U+001F, U+007F–U+009F). Use it in command schemas that name
 * other aggregates, so an id that can be opened can always be referred to.
 *
 * @example
 * const transferCommand = z.object({ from: entityIdSchema, to: entityIdSchema, amount: z.number() });
 */
export const entityIdSchema = z
  .string()
  .min(1, rules.empty)
  .max(maxEntityIdLength, rules.long)
  .refine((id) => !controlCharacter.test(id), rules.control);

/** An aggregate id breaks the id rule (`entityIdSchema`). */
export class InvalidIdError extends OrdoError {
  readonly code = 'INVALID_ID';
  constructor(
    readonly id: string,
    readonly reason: string,
  ) {
    super(`Id ${JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id)} is invalid: ${reason}`);
  }
}

/** Why `id` breaks the id rule, or `undefined` when it keeps it (no allocation on the happy path). */
export function entityIdProblem(id: string): string | undefined {
  if (id.length === 0) return rules.empty;
  if (id.length > maxEntityIdLength) return rules.long;
  if (controlCharacter.test(id)) return rules.control;
  return undefined;
}

/** Throws `InvalidIdError` unless `id` keeps the id rule. */
export function assertEntityId(id: string): void {
  const problem = entityIdProblem(id);
  if (problem !== undefined) throw new InvalidIdError(id, problem);
}
