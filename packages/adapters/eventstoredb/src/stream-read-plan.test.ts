import { type ReadStreamOptions, readStreamRange } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import { planStreamRead } from './stream-read-plan.js';

/**
 * ESDB's read semantics over revisions 0..length-1, then the plan's stop bounds. A backward read
 * from beyond the end covers [from - count + 1, from] and returns only the revisions that exist
 * (the server does not clamp `from` first), the less favourable of the two readings.
 */
function simulate(length: number, options: ReadStreamOptions): number[] {
  const plan = planStreamRead(options);
  if (plan === undefined) return [];
  const versions: number[] = [];
  if (plan.direction === 'forwards') {
    const start = plan.fromRevision === 'start' ? 0 : Number(plan.fromRevision);
    for (let revision = start; revision < length && versions.length < plan.maxCount; revision += 1) {
      versions.push(revision + 1);
    }
  } else {
    const start = plan.fromRevision === 'end' ? length - 1 : Number(plan.fromRevision);
    for (let revision = start; revision >= 0 && revision > start - plan.maxCount; revision -= 1) {
      if (revision < length) versions.push(revision + 1);
    }
  }
  const kept: number[] = [];
  for (const version of versions) {
    if (version < plan.lowest || version > plan.highest || kept.length >= plan.limit) break;
    kept.push(version);
  }
  return kept;
}

describe('planStreamRead', () => {
  it('reads version v from revision v - 1', () => {
    expect(planStreamRead({ from: 3 })).toMatchObject({ fromRevision: 2n, direction: 'forwards' });
    expect(planStreamRead({ direction: 'backward', from: 4, to: 2 })).toMatchObject({
      fromRevision: 3n,
      direction: 'backwards',
      maxCount: 3,
      limit: Number.MAX_SAFE_INTEGER,
    });
    expect(planStreamRead({ direction: 'backward' })).toMatchObject({ fromRevision: 'end' });
  });

  it('sends nothing for an empty range', () => {
    expect(planStreamRead({ from: 5, to: 4 })).toBeUndefined();
    expect(planStreamRead({ direction: 'backward', from: 1, to: 2 })).toBeUndefined();
    expect(planStreamRead({ maxCount: 0 })).toBeUndefined();
  });

  it('covers exactly the versions the port defines, for every range over short streams', () => {
    const bounds = [undefined, -1, 0, 1, 2, 3, 5, 7];
    for (const length of [0, 1, 3, 6]) {
      for (const direction of ['forward', 'backward'] as const) {
        for (const from of bounds) {
          for (const to of bounds) {
            for (const maxCount of [undefined, 1, 2, 10]) {
              const options: ReadStreamOptions = {
                direction,
                ...(from === undefined ? {} : { from }),
                ...(to === undefined ? {} : { to }),
                ...(maxCount === undefined ? {} : { maxCount }),
              };
              expect(simulate(length, options), JSON.stringify({ length, ...options })).toEqual([
                ...readStreamRange(length, options),
              ]);
            }
          }
        }
      }
    }
  });
});
