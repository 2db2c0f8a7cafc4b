import { InvalidQueryError } from '@ordo/projections';
import { describe, expect, it } from 'vitest';
import { parseListQuery, type QueryableFields } from './query-string.js';

const fields: QueryableFields = { status: 'string', balance: 'number', vip: 'boolean', 'address.city': 'string' };
const limits = { defaultLimit: 20, maxLimit: 100 };
const parse = (query: string) => parseListQuery(new URLSearchParams(query), fields, limits);

function issuesOf(query: string) {
  try {
    parse(query);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidQueryError);
    return (error as InvalidQueryError).issues;
  }
  throw new Error(`expected ${query} to be rejected`);
}

describe('parseListQuery', () => {
  it('reads filters, operators, sort, limit and cursor, typed by the declared indexes', () => {
    const query = parse(
      'filter[status]=open&filter[balance][gte]=100&filter[vip]=true&filter[status][in]=a,b&sort=-balance&limit=50&cursor=abc',
    );
    expect(query).toEqual({
      filter: [
        { field: 'status', op: 'eq', value: 'open' },
        { field: 'balance', op: 'gte', value: 100 },
        { field: 'vip', op: 'eq', value: true },
        { field: 'status', op: 'in', value: ['a', 'b'] },
      ],
      sort: { field: 'balance', direction: 'desc' },
      limit: 50,
      cursor: 'abc',
    });
  });

  it('defaults the page size and sorts by id when asked', () => {
    expect(parse('sort=id')).toEqual({ filter: [], limit: 20, sort: { field: 'id', direction: 'asc' } });
  });

  it('reads ?where= JSON with dotted fields and operator objects', () => {
    const query = parse(`where=${encodeURIComponent('{"address.city":"Oslo","balance":{"lt":5,"gt":1}}')}`);
    expect(query.filter).toHaveLength(3);
    expect(query.filter).toEqual(
      expect.arrayContaining([
        { field: 'address.city', op: 'eq', value: 'Oslo' },
        { field: 'balance', op: 'lt', value: 5 },
        { field: 'balance', op: 'gt', value: 1 },
      ]),
    );
  });

  it('rejects undeclared fields, unknown operators and unknown parameters', () => {
    expect(issuesOf('filter[secret]=x')[0]?.message).toMatch(/not a filterable field/);
    expect(issuesOf('filter[balance][regex]=x')[0]?.message).toMatch(/not an operator/);
    expect(issuesOf('filter[balance][$gt]=1')[0]?.message).toMatch(/not an operator/);
    expect(issuesOf('$where=1')[0]?.message).toMatch(/not a query parameter/);
    expect(issuesOf('sort=-secret')[0]?.path).toEqual(['sort']);
  });

  it('rejects prototype keys in both grammars', () => {
    expect(issuesOf('filter[__proto__]=x')).toHaveLength(1);
    expect(issuesOf('filter[constructor][eq]=x')).toHaveLength(1);
    expect(issuesOf(`where=${encodeURIComponent('{"__proto__":{"admin":true}}')}`)[0]?.message).toMatch(/__proto__/);
    expect(issuesOf(`where=${encodeURIComponent('{"constructor":{"eq":1}}')}`)[0]?.message).toMatch(/constructor/);
  });

  it('rejects $where and operator injection inside ?where=', () => {
    expect(issuesOf(`where=${encodeURIComponent('{"$where":"sleep(1000)"}')}`)[0]?.message).toMatch(/\$where/);
    expect(issuesOf(`where=${encodeURIComponent('{"status":{"$ne":null}}')}`)[0]?.message).toMatch(/\$ne/);
    expect(issuesOf(`where=${encodeURIComponent('{"balance":{"gte":"1"}}')}`)).toHaveLength(1);
    expect(issuesOf('where=%7Bnot-json')[0]?.message).toMatch(/JSON/);
  });

  it('rejects values that do not match the field type', () => {
    expect(issuesOf('filter[balance]=abc')).toHaveLength(1);
    expect(issuesOf('filter[balance]=')).toHaveLength(1);
    expect(issuesOf('filter[vip]=yes')).toHaveLength(1);
    expect(issuesOf(`filter[status]=${'x'.repeat(2000)}`)).toHaveLength(1);
  });

  it('bounds the page size and refuses repeated scalar parameters', () => {
    expect(issuesOf('limit=101')[0]?.path).toEqual(['limit']);
    expect(issuesOf('limit=0')).toHaveLength(1);
    expect(issuesOf('limit=1.5')).toHaveLength(1);
    expect(issuesOf('limit=5&limit=6')[0]?.message).toMatch(/only once/);
  });

  it('leaves the read-your-writes parameter to the route', () => {
    expect(parse('after=42')).toEqual({ filter: [], limit: 20 });
  });
});
