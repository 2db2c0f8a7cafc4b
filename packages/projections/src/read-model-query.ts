import type { ValidationIssue } from '@ordo/core';
import { z } from 'zod';
import { InvalidQueryError } from './errors.js';

/** Field types a projection may declare as indexed (queryable and sortable). */
export const indexTypeSchema = z.enum(['string', 'number', 'boolean']);
export type IndexType = z.infer<typeof indexTypeSchema>;

/** Dotted paths of plain identifiers only, so every store can embed them in a query safely. */
export const fieldPathSchema = z
  .string()
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'must be a dotted path of identifiers');

export const indexDefinitionsSchema = z.record(fieldPathSchema, indexTypeSchema);
/** Indexed fields by path: `{ owner: 'string', balance: 'number' }`. */
export type IndexDefinitions = Readonly<z.infer<typeof indexDefinitionsSchema>>;

export const filterOperators = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'] as const;
const scalarSchema = z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]);
export type FilterValue = z.infer<typeof scalarSchema>;

export const filterConditionSchema = z.strictObject({
  field: fieldPathSchema,
  op: z.enum(filterOperators),
  value: z.union([scalarSchema, z.array(scalarSchema).max(100)]),
});
export type FilterCondition = z.infer<typeof filterConditionSchema>;

export const findQuerySchema = z.strictObject({
  filter: z.array(filterConditionSchema).max(16).optional(),
  sort: z.strictObject({ field: fieldPathSchema, direction: z.enum(['asc', 'desc']).default('asc') }).optional(),
  limit: z.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(2048).optional(),
});
/** A read-model query as callers write it: filters on indexed fields, one sort, a page size, a cursor. */
export type FindQueryInput = z.input<typeof findQuerySchema>;

export interface SortSpec {
  /** An indexed field, or `id`. */
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

/** Where the previous page stopped: the last item's sort value and id (keyset pagination). */
export interface CursorPosition {
  readonly value: FilterValue;
  readonly id: string;
}

/** A validated query: every field is indexed, every value has the index's type. */
export interface FindQuery {
  readonly filter: readonly FilterCondition[];
  readonly sort: SortSpec;
  readonly limit: number;
  readonly after?: CursorPosition;
}

/**
 * Validates a query against a collection's indexes: the closed set of operators, indexed fields only,
 * values of the declared type. Stores call it on every `find`, so user objects never reach a driver.
 *
 * @example
 * parseFindQuery({ filter: [{ field: 'balance', op: 'gte', value: 100 }], sort: { field: 'balance' } }, { balance: 'number' });
 */
export function parseFindQuery(input: unknown, indexes: IndexDefinitions): FindQuery {
  const parsed = findQuerySchema.safeParse(input ?? {});
  if (!parsed.success) throw new InvalidQueryError(parsed.error.issues);
  const issues: ValidationIssue[] = [];
  const filter = parsed.data.filter ?? [];
  filter.forEach((condition, index) => {
    const type = indexes[condition.field];
    const path = ['filter', index];
    if (type === undefined) {
      issues.push({ path: [...path, 'field'], message: `${condition.field} is not an indexed field` });
      return;
    }
    const values = Array.isArray(condition.value) ? condition.value : [condition.value];
    if ((condition.op === 'in') !== Array.isArray(condition.value)) {
      issues.push({
        path: [...path, 'value'],
        message: `${condition.op} takes ${condition.op === 'in' ? 'an array' : 'one value'}`,
      });
    }
    if (values.some((value) => value !== null && typeof value !== type)) {
      issues.push({ path: [...path, 'value'], message: `${condition.field} holds ${type} values` });
    }
    const ranged = condition.op !== 'eq' && condition.op !== 'ne' && condition.op !== 'in';
    if (ranged && (type === 'boolean' || values.includes(null))) {
      issues.push({
        path: [...path, 'op'],
        message: `${condition.op} needs a ${type === 'boolean' ? 'string or number field' : 'non-null value'}`,
      });
    }
  });
  const sortField = parsed.data.sort?.field ?? 'id';
  if (sortField !== 'id' && indexes[sortField] === undefined) {
    issues.push({ path: ['sort', 'field'], message: `${sortField} is not an indexed field` });
  }
  const sort: SortSpec = { field: sortField, direction: parsed.data.sort?.direction ?? 'asc' };
  const after = parsed.data.cursor === undefined ? undefined : decodeCursor(parsed.data.cursor, sort, issues);
  if (issues.length > 0) throw new InvalidQueryError(issues);
  return after === undefined
    ? { filter, sort, limit: parsed.data.limit }
    : { filter, sort, limit: parsed.data.limit, after };
}

const cursorSchema = z.tuple([z.string(), z.enum(['asc', 'desc']), scalarSchema, z.string()]);

/** An opaque cursor naming the sort it belongs to, so it cannot be replayed against another sort. */
export function encodeCursor(sort: SortSpec, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([sort.field, sort.direction, position.value, position.id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: SortSpec, issues: ValidationIssue[]): CursorPosition | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success || parsed.data[0] !== sort.field || parsed.data[1] !== sort.direction) {
    issues.push({ path: ['cursor'], message: 'is not a cursor of this query' });
    return undefined;
  }
  return { value: parsed.data[2], id: parsed.data[3] };
}

/** Reads a dotted path from a document; missing reads as `null`, like a store's index. */
export function fieldValue(document: Readonly<Record<string, unknown>>, path: string): FilterValue {
  let value: unknown = document;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return null;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
}

/** Total order used by every store: null first, then booleans, numbers, strings (binary order). */
export function compareValues(a: FilterValue, b: FilterValue): number {
  const rank = (value: FilterValue) =>
    value === null ? 0 : typeof value === 'boolean' ? 1 : typeof value === 'number' ? 2 : 3;
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  if (a === b) return 0;
  return (a as string | number | boolean) < (b as string | number | boolean) ? -1 : 1;
}
