import { z } from 'zod';

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
  HOST: z.string().min(1).default('127.0.0.1'),
  ORDO_DATA_DIR: z.string().min(1).default('data'),
  // Two minutes: time enough to paste the 3-D Secure curl from the README by hand.
  ORDERS_PAYMENT_TIMEOUT_MS: count(120_000),
  ORDERS_CONFLICT_ATTEMPTS: count(8),
});

/** The example's settings, from environment variables (validated, with defaults). */
export type Settings = z.infer<typeof environment>;

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = environment.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid environment: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
