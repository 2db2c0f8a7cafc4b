import type { FilterCondition, FilterValue, FindQuery } from '@ordo/projections';
import type { Document, Sort } from 'mongodb';

/** Where a stored read-model document keeps the user's fields; ours sit beside it. */
export const documentField = 'doc';
/** Hidden marker of a deleted document, kept so an older replayed upsert stays ignored. */
export const deletedField = '_deleted';
export const positionField = '_pos';

const pathOf = (field: string) => (field === 'id' ? '_id' : `${documentField}.${field}`);

function conditionFilter(condition: FilterCondition): Document {
  const path = pathOf(condition.field);
  const value = condition.value;
  switch (condition.op) {
    case 'eq':
      return { [path]: { $eq: value } };
    case 'ne':
      return { [path]: { $ne: value } };
    case 'in':
      return { [path]: { $in: value as FilterValue[] } };
    // MongoDB compares only within a type, like the port (ranges never match null or other types).
    case 'gt':
      return { [path]: { $gt: value } };
    case 'gte':
      return { [path]: { $gte: value } };
    case 'lt':
      return { [path]: { $lt: value } };
    case 'lte':
      return { [path]: { $lte: value } };
  }
}

/**
 * Keyset condition "after (value, id)" in the sort order. Null and missing sort first ascending
 * (last descending) in both MongoDB and the port, but range operators never match null, so the
 * null bracket is spelled out.
 */
function afterFilter(query: FindQuery): Document | undefined {
  const after = query.after;
  if (after === undefined) return undefined;
  const asc = query.sort.direction === 'asc';
  const idAfter = { _id: asc ? { $gt: after.id } : { $lt: after.id } };
  if (query.sort.field === 'id') return idAfter;
  const path = pathOf(query.sort.field);
  if (after.value === null) {
    const sameBracket = { [path]: null, ...idAfter };
    return asc ? { $or: [sameBracket, { [path]: { $ne: null } }] } : sameBracket;
  }
  const beyond = { [path]: asc ? { $gt: after.value } : { $lt: after.value } };
  const tie = { [path]: { $eq: after.value }, ...idAfter };
  return asc ? { $or: [beyond, tie] } : { $or: [beyond, tie, { [path]: null }] };
}

export interface MongoFind {
  readonly filter: Document;
  readonly sort: Sort;
  readonly limit: number;
}

/**
 * Translates a query already validated by `parseFindQuery` (indexed dotted paths, closed operator
 * set, scalar values) into a MongoDB find. Nothing from the caller is spread into the filter: each
 * operator is chosen here and values sit under an explicit `$eq`/`$in`/range key.
 */
export function toMongoFind(query: FindQuery): MongoFind {
  const clauses: Document[] = [{ [deletedField]: { $ne: true } }];
  for (const condition of query.filter) clauses.push(conditionFilter(condition));
  const after = afterFilter(query);
  if (after !== undefined) clauses.push(after);
  const direction = query.sort.direction === 'asc' ? 1 : -1;
  const sort: Sort =
    query.sort.field === 'id' ? { _id: direction } : { [pathOf(query.sort.field)]: direction, _id: direction };
  // One extra document tells whether another page exists.
  return { filter: { $and: clauses }, sort, limit: query.limit + 1 };
}
