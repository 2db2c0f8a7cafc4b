import { describe, expect, it } from 'vitest';
import { newBuildName, resumableBuild } from './build-name.js';

describe('build names', () => {
  it('name a full build and a replay so a runner reads them as the same version', () => {
    expect(newBuildName('balances_v2', 0)).toMatch(/^balances_v2_rcli[0-9a-z]+$/);
    expect(newBuildName('balances_v2', 40)).toMatch(/^balances_v2_rcli[0-9a-z]+_from40$/);
  });

  it('resume only a build started at the same position, the latest first', () => {
    const names = ['b_v1_rclia', 'b_v1_rclib_from5', 'b_v1_rclic', 'b_v1_rclid_from7'];
    expect(resumableBuild(names, 0)).toBe('b_v1_rclic');
    expect(resumableBuild(names, 5)).toBe('b_v1_rclib_from5');
    expect(resumableBuild(names, 6)).toBeUndefined();
  });
});
