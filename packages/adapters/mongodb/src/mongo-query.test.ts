import { InvalidQueryError, parseFindQuery } from '@ordo/projections';
import { describe, expect, it } from 'vitest';
import { toMongoFind } from './mongo-query.js';

const indexes = { owner: 'string', balance: 'number', open: 'boolean', 'address.city': 'string' } as const;
const translate = (input: unknown) => toMongoFind(parseFindQuery(input, indexes));
const notDeleted = { _deleted: { $ne: true } };

describe('toMongoFind', () => {
  it('translates each operator onto the document path under an explicit operator key', () => {
    const find = translate({
      filter: [
        { field: 'owner', op: 'eq', value: 'ada' },
        { field: 'balance', op: 'gte', value: 10 },
        { field: 'balance', op: 'lt', value: 20 },
        { field: 'address.city', op: 'in', value: ['Oslo', null] },
        { field: 'open', op: 'ne', value: false },
      ],
    });
    expect(find.filter).toEqual({
      $and: [
        notDeleted,
        { 'doc.owner': { $eq: 'ada' } },
        { 'doc.balance': { $gte: 10 } },
        { 'doc.balance': { $lt: 20 } },
        { 'doc.address.city': { $in: ['Oslo', null] } },
        { 'doc.open': { $ne: false } },
      ],
    });
  });

  it('sorts by the field then id, by id alone by default, and asks one extra document to detect a next page', () => {
    expect(translate({ sort: { field: 'balance', direction: 'desc' }, limit: 10 })).toMatchObject({
      sort: { 'doc.balance': -1, _id: -1 },
      limit: 11,
    });
    expect(translate({})).toMatchObject({ sort: { _id: 1 }, limit: 51 });
  });

  it('continues after a cursor in ascending order, spelling out the null bracket', () => {
    const query = parseFindQuery({ sort: { field: 'owner' } }, indexes);
    expect(toMongoFind({ ...query, after: { value: 'bob', id: 'b-1' } }).filter.$and[1]).toEqual({
      $or: [{ 'doc.owner': { $gt: 'bob' } }, { 'doc.owner': { $eq: 'bob' }, _id: { $gt: 'b-1' } }],
    });
    expect(toMongoFind({ ...query, after: { value: null, id: 'n-1' } }).filter.$and[1]).toEqual({
      $or: [{ 'doc.owner': null, _id: { $gt: 'n-1' } }, { 'doc.owner': { $ne: null } }],
    });
  });

  it('continues after a cursor in descending order, where null and missing come last', () => {
    const query = parseFindQuery({ sort: { field: 'owner', direction: 'desc' } }, indexes);
    expect(toMongoFind({ ...query, after: { value: 'bob', id: 'b-1' } }).filter.$and[1]).toEqual({
      $or: [
        { 'doc.owner': { $lt: 'bob' } },
        { 'doc.owner': { $eq: 'bob' }, _id: { $lt: 'b-1' } },
        { 'doc.owner': null },
      ],
    });
    expect(toMongoFind({ ...query, after: { value: null, id: 'n-1' } }).filter.$and[1]).toEqual({
      'doc.owner': null,
      _id: { $lt: 'n-1' },
    });
  });

  it('pages by id with a plain id range', () => {
    const query = parseFindQuery({}, indexes);
    expect(toMongoFind({ ...query, after: { value: 'x', id: 'x' } }).filter.$and[1]).toEqual({ _id: { $gt: 'x' } });
  });

  it('never lets operator objects or unindexed fields reach a filter (parseFindQuery refuses them first)', () => {
    const attempts = [
      { filter: [{ field: 'owner', op: 'eq', value: { $ne: null } }] },
      { filter: [{ field: 'owner', op: '$where', value: 'sleep(1)' }] },
      { filter: [{ field: '$where', op: 'eq', value: 'x' }] },
      { filter: [{ field: 'secret', op: 'eq', value: 'x' }] },
      { filter: [{ field: 'owner', op: 'in', value: [{ $gt: '' }] }] },
    ];
    for (const attempt of attempts)
      expect(() => translate(attempt), JSON.stringify(attempt)).toThrow(InvalidQueryError);
  });

  it('keeps a $-string value as a literal string under $eq', () => {
    const find = translate({ filter: [{ field: 'owner', op: 'eq', value: '$where' }] });
    expect(find.filter.$and[1]).toEqual({ 'doc.owner': { $eq: '$where' } });
  });
});
