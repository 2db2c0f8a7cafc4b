import type { AnyProjection } from '@ordo/projections';
import { CliError } from './cli-error.js';
import type { OrdoConfig } from './config.js';

export interface NamedProjection {
  readonly name: string;
  readonly kind: 'projection' | 'process manager';
  /** The newest registered version: what a rebuild builds. */
  readonly projection: AnyProjection;
}

/** Every projection name in the config, process managers included, at its newest registered version. */
export function listProjections(config: OrdoConfig): NamedProjection[] {
  const byName = new Map<string, NamedProjection>();
  const add = (projection: AnyProjection, kind: NamedProjection['kind']) => {
    const known = byName.get(projection.name);
    if (known === undefined || known.projection.version < projection.version) {
      byName.set(projection.name, { name: projection.name, kind, projection });
    }
  };
  for (const projection of config.projections) add(projection, 'projection');
  for (const manager of config.processManagers ?? []) add(manager.projection, 'process manager');
  return [...byName.values()];
}

export function findProjection(config: OrdoConfig, name: string): NamedProjection {
  const all = listProjections(config);
  const found = all.find((candidate) => candidate.name === name);
  if (found === undefined) {
    const known = all.map((candidate) => candidate.name).join(', ') || 'none';
    throw new CliError('UNKNOWN_PROJECTION', `No projection or process manager named ${name} (known: ${known})`);
  }
  return found;
}
