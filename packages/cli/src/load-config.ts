import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { CliError, UnavailableError } from './cli-error.js';
import type { OrdoConfig } from './config.js';

const withMethods = (label: string, methods: readonly string[]) =>
  z.custom<object>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    `must be ${label} (with ${methods.join(', ')})`,
  );

const projectionSchema = z.custom<object>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { collection?: unknown }).collection === 'string' &&
    typeof (value as { partitions?: unknown }).partitions === 'number',
  'must be a projection (defineProjection)',
);

// Shape checks only: the values are live objects, so the parsed config is the module's own.
const configSchema = z.object({
  store: withMethods('an EventStore', ['readAll', 'readStream', 'subscribe', 'headPosition']),
  readStore: withMethods('a ReadStore', ['resolveAlias', 'switchAlias', 'listCollections', 'find']),
  deadLetters: withMethods('a DeadLetterStore', ['list', 'count', 'remove', 'clear']),
  projections: z.array(projectionSchema),
  processManagers: z.array(z.object({ name: z.string(), projection: projectionSchema })).optional(),
  aggregates: z.array(z.object({ name: z.string(), streamPrefix: z.string(), codec: z.object({}) })).optional(),
  close: z.custom<() => Promise<void>>((value) => typeof value === 'function').optional(),
});

/** Where the config lives: `--config`, then `ORDO_CONFIG`, then `./ordo.config.ts`. */
export function configPath(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(option ?? env.ORDO_CONFIG ?? 'ordo.config.ts');
}

/** Imports the config module (tsx loads TypeScript) and validates its default export. */
export async function loadConfig(path: string): Promise<OrdoConfig> {
  if (!existsSync(path)) {
    throw new UnavailableError('CONFIG_NOT_FOUND', `No config at ${path} (use --config <path> or ORDO_CONFIG)`);
  }
  let exported: unknown;
  try {
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown; config?: unknown };
    exported = module.default ?? module.config;
    if (typeof exported === 'function') exported = await (exported as () => unknown)();
  } catch (error) {
    throw asUnavailable(error, path);
  }
  const parsed = configSchema.safeParse(exported);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? 'the default export' : issue.path.join('.');
    throw new UnavailableError('INVALID_CONFIG', `${path}: ${where} ${issue?.message ?? 'is invalid'}`);
  }
  return exported as OrdoConfig;
}

/** A store that cannot open (missing, not Ordo, too new) keeps its own code; anything else is a config error. */
function asUnavailable(error: unknown, path: string): CliError {
  if (error instanceof CliError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code)) return new UnavailableError(code, message);
  return new UnavailableError('CONFIG_FAILED', `${path} failed to load: ${message.split('\n')[0]}`);
}
