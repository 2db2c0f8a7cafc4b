import type { FilterCondition, FilterValue, FindQuery, IndexDefinitions, IndexType } from '@ordo/projections';

/**
 * A field's value as SQL, typed by its declared index: a JSON value of another type (or null, or
 * missing) reads as SQL NULL, and strings compare in binary order ("C"), as `compareValues` does.
 */
export function fieldSql(field: string, type: IndexType | undefined): string {
  if (field === 'id' || type === undefined) return 'id';
  const path = `'{${field.split('.').join(',')}}'`;
  const when = `jsonb_typeof(document #> ${path}) = '${type}'`;
  if (type === 'string') return `(CASE WHEN ${when} THEN document #>> ${path} END COLLATE "C")`;
  return `(CASE WHEN ${when} THEN (document #>> ${path})::${type === 'number' ? 'numeric' : 'boolean'} END)`;
}

const castOf = (type: IndexType | undefined) =>
  type === 'number' ? '::numeric' : type === 'boolean' ? '::boolean' : '::text COLLATE "C"';

/** Builds the keyset query: validated field paths are embedded, every value is a bound parameter. */
export function findSql(
  table: string,
  indexes: IndexDefinitions,
  query: FindQuery,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (value: FilterValue, type: IndexType | undefined) => {
    params.push(value);
    return `$${params.length}${castOf(type)}`;
  };
  const where = query.filter.map((condition) => conditionSql(condition, indexes[condition.field], bind));
  const sortType = query.sort.field === 'id' ? undefined : indexes[query.sort.field];
  const sort = fieldSql(query.sort.field, sortType);
  const after = query.after;
  if (after !== undefined) {
    const id = () => bind(after.id, undefined);
    if (query.sort.direction === 'asc') {
      if (after.value === null) where.push(`((${sort} IS NULL AND id > ${id()}) OR ${sort} IS NOT NULL)`);
      else {
        const value = bind(after.value, sortType);
        where.push(`(${sort} > ${value} OR (${sort} = ${value} AND id > ${id()}))`);
      }
    } else if (after.value === null) where.push(`(${sort} IS NULL AND id < ${id()})`);
    else {
      const value = bind(after.value, sortType);
      where.push(`(${sort} < ${value} OR (${sort} = ${value} AND id < ${id()}) OR ${sort} IS NULL)`);
    }
  }
  const order = query.sort.direction === 'asc' ? 'ASC NULLS FIRST' : 'DESC NULLS LAST';
  const sql = `SELECT id, position, document, ${sort} FROM ${table}
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${sort} ${order}, id ${query.sort.direction === 'asc' ? 'ASC' : 'DESC'} LIMIT ${query.limit + 1}`;
  return { sql, params };
}

function conditionSql(
  condition: FilterCondition,
  type: IndexType | undefined,
  bind: (value: FilterValue, type: IndexType | undefined) => string,
): string {
  const path = fieldSql(condition.field, type);
  const value = condition.value;
  if (Array.isArray(value)) {
    const present = value.filter((v) => v !== null);
    const inList = present.length > 0 ? `${path} IN (${present.map((v) => bind(v, type)).join(', ')})` : 'false';
    return value.includes(null) ? `(${inList} OR ${path} IS NULL)` : inList;
  }
  if (value === null) return condition.op === 'ne' ? `${path} IS NOT NULL` : `${path} IS NULL`;
  const operators = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
  if (condition.op === 'ne') {
    const bound = bind(value, type);
    return `(${path} IS NULL OR ${path} <> ${bound})`;
  }
  return `${path} ${operators[condition.op as keyof typeof operators]} ${bind(value, type)}`;
}
