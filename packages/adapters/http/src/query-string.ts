import {
  type FilterCondition,
  type FilterValue,
  type FindQueryInput,
  type IndexDefinitions,
  InvalidQueryError,
} from '@ordo/projections';
import { z } from 'zod';

/** Indexed fields by dotted path, as a projection declares them: `{ status: 'string', balance: 'number' }`. */
export type QueryableFields = IndexDefinitions;

export const queryOperators = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
] as const satisfies readonly FilterCondition['op'][];
export type QueryOperator = (typeof queryOperators)[number];
type Scalar = FilterValue;

/** A validated list query, in the shape the read-store port's `find` takes. */
export type ListQuery = FindQueryInput & { filter: FilterCondition[]; limit: number };

export interface ListQueryLimits {
  readonly defaultLimit: number;
  readonly maxLimit: number;
}

type Issue = { path: (string | number)[]; message: string };
const reserved = new Set(['after']);
const filterKey = /^filter\[([^[\]]+)\](?:\[([^[\]]+)\])?$/;
/** The most values one `filter[x][in]` (or `where` `in`) may list. */
export const maxValuesPerIn = 100;
const maxValueLength = 1024;

function scalarSchema(type: QueryableFields[string]) {
  if (type === 'number') return z.number();
  if (type === 'boolean') return z.boolean();
  return z.string().max(maxValueLength);
}

/**
 * The zod schema of `?where=` JSON for a set of indexed fields: strict at every level, so `$where`,
 * `__proto__`, `constructor` and any undeclared field or operator is an issue, never a query.
 */
export function whereSchema(fields: QueryableFields) {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, type] of Object.entries(fields)) {
    const scalar = scalarSchema(type);
    const operators = z
      .strictObject({
        eq: scalar.nullable(),
        ne: scalar.nullable(),
        gt: scalar,
        gte: scalar,
        lt: scalar,
        lte: scalar,
        in: z.array(scalar).min(1).max(maxValuesPerIn),
      })
      .partial();
    shape[field] = z.union([scalar.nullable(), operators]).optional();
  }
  return z.strictObject(shape);
}

function coerce(raw: string, type: QueryableFields[string]): Scalar | undefined {
  if (raw.length > maxValueLength) return undefined;
  if (type === 'string') return raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : undefined;
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

function isOperator(op: string): op is QueryOperator {
  return (queryOperators as readonly string[]).includes(op);
}

/**
 * Parses a list query string against a projection's indexed fields:
 * `?filter[status]=open&filter[balance][gte]=100&filter[owner][in]=ada,bo&sort=-balance&limit=50&cursor=...`
 * or `?where={"balance":{"gte":100}}`. Anything undeclared is a 400 (`InvalidQueryError`).
 */
export function parseListQuery(params: URLSearchParams, fields: QueryableFields, limits: ListQueryLimits): ListQuery {
  const issues: Issue[] = [];
  const filter: FilterCondition[] = [];
  const seen = new Set<string>();
  let sort: ListQuery['sort'];
  let limit = limits.defaultLimit;
  let cursor: string | undefined;

  for (const [key, raw] of params) {
    if (reserved.has(key)) continue;
    const repeatable = key.startsWith('filter[') && key.endsWith('[in]');
    if (seen.has(key) && !repeatable) {
      issues.push({ path: [key], message: 'may appear only once' });
      continue;
    }
    seen.add(key);
    if (key === 'sort') {
      const field = raw.startsWith('-') ? raw.slice(1) : raw;
      if (field !== 'id' && !Object.hasOwn(fields, field))
        issues.push({ path: ['sort'], message: `${field} is not sortable` });
      else sort = { field, direction: raw.startsWith('-') ? 'desc' : 'asc' };
    } else if (key === 'limit') {
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < 1 || value > limits.maxLimit) {
        issues.push({ path: ['limit'], message: `must be an integer from 1 to ${limits.maxLimit}` });
      } else limit = value;
    } else if (key === 'cursor') {
      if (raw.length === 0 || raw.length > 2048) issues.push({ path: ['cursor'], message: 'is not a cursor' });
      else cursor = raw;
    } else if (key === 'where') {
      filter.push(...parseWhere(raw, fields, issues));
    } else {
      const match = filterKey.exec(key);
      if (match === null) {
        issues.push({ path: [key], message: 'is not a query parameter of this route' });
        continue;
      }
      const [, field = '', op = 'eq'] = match;
      const type = Object.hasOwn(fields, field) ? fields[field] : undefined;
      if (type === undefined) {
        issues.push({ path: ['filter', field], message: `${field} is not a filterable field` });
      } else if (!isOperator(op)) {
        issues.push({
          path: ['filter', field, op],
          message: `${op} is not an operator (${queryOperators.join(', ')})`,
        });
      } else {
        const rawValues = op === 'in' ? raw.split(',') : [raw];
        const values = rawValues.map((value) => coerce(value, type));
        if (values.length > maxValuesPerIn) {
          issues.push({
            path: ['filter', field, op],
            message: `accepts at most ${maxValuesPerIn} values, got ${values.length}`,
          });
        } else if (values.some((value) => value === undefined)) {
          issues.push({
            path: ['filter', field, op],
            message: `expects ${op === 'in' ? 'a comma-separated list of ' : 'a '}${type}${op === 'in' ? ' values' : ' value'} (at most ${maxValueLength} characters each)`,
          });
        } else filter.push({ field, op, value: op === 'in' ? (values as Scalar[]) : (values[0] as Scalar) });
      }
    }
  }
  if (issues.length > 0) throw new InvalidQueryError(issues);
  return {
    filter,
    limit,
    ...(sort === undefined ? {} : { sort }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

const whereSchemas = new WeakMap<QueryableFields, z.ZodType>();

function parseWhere(raw: string, fields: QueryableFields, issues: Issue[]): FilterCondition[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    issues.push({ path: ['where'], message: 'is not valid JSON' });
    return [];
  }
  let schema = whereSchemas.get(fields);
  if (schema === undefined) {
    schema = whereSchema(fields);
    whereSchemas.set(fields, schema);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys = 'keys' in issue && Array.isArray(issue.keys) ? `: ${issue.keys.join(', ')}` : '';
      issues.push({
        path: ['where', ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))],
        message: `${issue.message}${keys}`,
      });
    }
    return [];
  }
  const conditions: FilterCondition[] = [];
  for (const [field, condition] of Object.entries(parsed.data as Record<string, unknown>)) {
    if (condition === undefined) continue;
    if (condition === null || typeof condition !== 'object') {
      conditions.push({ field, op: 'eq', value: condition as Scalar });
      continue;
    }
    for (const [op, value] of Object.entries(condition)) {
      if (isOperator(op) && value !== undefined) conditions.push({ field, op, value: value as Scalar | Scalar[] });
    }
  }
  return conditions;
}
