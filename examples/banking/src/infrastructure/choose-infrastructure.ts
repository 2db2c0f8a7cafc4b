import { OrdoError } from '@ordo/core';
import { openEmbeddedInfrastructure } from './embedded.js';
import type { Infrastructure } from './infrastructure.js';
import type { ProductionSettings } from './production.js';

const serverVariables = ['ESDB_URL', 'KAFKA_BROKERS', 'MONGODB_URL'] as const;

/** Some of the production stack's variables are set, but not all of them. */
export class IncompleteStackError extends OrdoError {
  readonly code = 'INCOMPLETE_STACK';
  constructor(readonly missing: readonly string[]) {
    super(
      `${missing.join(', ')} not set: set all of ${serverVariables.join(', ')} for the production stack, or none for the embedded default`,
    );
  }
}

/**
 * The production settings when ESDB_URL, KAFKA_BROKERS and MONGODB_URL are all set, `undefined`
 * when none is; `IncompleteStackError` naming the missing ones otherwise.
 */
export function productionSettings(env: NodeJS.ProcessEnv): ProductionSettings | undefined {
  const missing = serverVariables.filter((name) => (env[name] ?? '') === '');
  if (missing.length === serverVariables.length) return undefined;
  if (missing.length > 0) throw new IncompleteStackError(missing);
  return {
    esdbUrl: env.ESDB_URL as string,
    kafkaBrokers: (env.KAFKA_BROKERS as string).split(',').map((broker) => broker.trim()),
    mongodbUrl: env.MONGODB_URL as string,
    database: env.ORDO_MONGODB_DATABASE || 'ordo_banking',
    topic: env.ORDO_KAFKA_TOPIC || 'ordo-banking-events',
    // As many as `accounts` and `transactions` have, so Kafka can feed them.
    partitions: 4,
  };
}

/**
 * The production stack when its three variables are set, else the embedded default in `dataDir`.
 * The production adapters are loaded only then, so the embedded default never loads their clients.
 *
 * @example
 * const infrastructure = await openInfrastructure(process.env, { dataDir: 'data' });
 */
export async function openInfrastructure(
  env: NodeJS.ProcessEnv,
  options: { dataDir: string },
): Promise<Infrastructure> {
  const settings = productionSettings(env);
  if (settings === undefined) return openEmbeddedInfrastructure(options);
  const { openProductionInfrastructure } = await import('./production.js');
  return openProductionInfrastructure(settings);
}
