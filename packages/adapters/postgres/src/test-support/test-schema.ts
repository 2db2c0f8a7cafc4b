import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The server the integration tests use; they skip without it. */
export const pgUrl = process.env.PG_URL;

/** A fresh schema name per test file, so files never see each other's tables. */
export function uniqueSchema(label: string): string {
  return `t_${label}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
