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

/** What differs between the examples: names derived from the example's, and the topic's partitions. */
export interface StackOptions {
  /** e.g. `banking`: file `banking.sqlite`, database `ordo_banking`, topic `ordo-banking-events`. */
  readonly name: string;
  /** The Kafka topic's partition count: the stream-keyed projections with as many read it. */
  readonly partitions: number;
}

/**
 * The production settings when ESDB_URL, KAFKA_BROKERS and MONGODB_URL are all set, `undefined`
 * when none is; `IncompleteStackError` naming the missing ones otherwise.
 */
export function productionSettings(env: NodeJS.ProcessEnv, stack: StackOptions): ProductionSettings | undefined {
  const missing = serverVariables.filter((name) => (env[name] ?? '') === '');
  if (missing.length === serverVariables.length) return undefined;
  if (missing.length > 0) throw new IncompleteStackError(missing);
  return {
    esdbUrl: env.ESDB_URL as string,
    kafkaBrokers: (env.KAFKA_BROKERS as string).split(',').map((broker) => broker.trim()),
    mongodbUrl: env.MONGODB_URL as string,
    clientId: `ordo-${stack.name}`,
    database: env.ORDO_MONGODB_DATABASE || `ordo_${stack.name}`,
    topic: env.ORDO_KAFKA_TOPIC || `ordo-${stack.name}-events`,
    partitions: stack.partitions,
  };
}

/**
 * The production stack when its three variables are set, else the embedded default in `dataDir`.
 * The production adapters are loaded only then, so the embedded default never loads their clients.
 *
 * @example
 * const infrastructure = await openInfrastructure(process.env, { dataDir: 'data', name: 'banking', partitions: 4 });
 */
export async function openInfrastructure(
  env: NodeJS.ProcessEnv,
  options: StackOptions & { readonly dataDir: string },
): Promise<Infrastructure> {
  const settings = productionSettings(env, options);
  if (settings === undefined) return openEmbeddedInfrastructure({ dataDir: options.dataDir, name: options.name });
  const { openProductionInfrastructure } = await import('./production.js');
  return openProductionInfrastructure(settings);
}
