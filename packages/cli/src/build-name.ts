/**
 * Build collections this CLI makes are `<name>_v<N>_rcli<time>[_from<P>]`: a runner that restarts on
 * one reads it as version N (`_r` suffix), and the suffix tells which replay position it started at.
 */
export const buildPrefix = (collection: string) => `${collection}_rcli`;

export function newBuildName(collection: string, fromPosition: number): string {
  return `${buildPrefix(collection)}${Date.now().toString(36)}${fromPosition === 0 ? '' : `_from${fromPosition}`}`;
}

/** The latest unfinished build started at `fromPosition`, among `candidates`. */
export function resumableBuild(candidates: readonly string[], fromPosition: number): string | undefined {
  const wanted = fromPosition === 0 ? undefined : String(fromPosition);
  return candidates.filter((name) => /_rcli[0-9a-z]+(?:_from(\d+))?$/.exec(name)?.[1] === wanted).at(-1);
}
