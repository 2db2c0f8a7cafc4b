import type { TransactionQuery } from './database.js';
import { SchemaTooNewError } from './errors.js';

/** One schema step, as SQL for a schema; it runs inside the migrating transaction, so it is all or nothing. */
export interface PostgresMigration {
  readonly name: string;
  readonly up: (table: (name: string) => string, schema: string) => string;
}

/** Key of Ordo's advisory locks ("ORDO" in ASCII); the second key names the schema and the purpose. */
export const ordoLockClass = 0x4f52444f;

/** The NOTIFY channel of a schema's appends. */
export const appendChannel = (schema: string) => `ordo:${schema}`;

// Append-only: schema version = number of entries; never edit, reorder or remove a shipped entry.
export const migrations: readonly PostgresMigration[] = [
  {
    name: 'events',
    up: (t, schema) => `
      CREATE TABLE ${t('events')} (
        position bigint PRIMARY KEY,
        stream_id text NOT NULL,
        stream_version bigint NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        timestamp timestamptz NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        command_id text
      );
      CREATE UNIQUE INDEX events_stream ON ${t('events')} (stream_id, stream_version);
      CREATE UNIQUE INDEX events_event_id ON ${t('events')} (event_id);
      CREATE INDEX events_command_id ON ${t('events')} (command_id) WHERE command_id IS NOT NULL;

      -- Appends a group of batches (one per stream) in the caller's transaction. Positions are taken
      -- under a transaction-level advisory lock held until commit, so commits happen in position order
      -- and a reader can never see position n + 1 before n (see README: no skipped events).
      CREATE FUNCTION ${t('append_events')}(
        p_stream_ids text[], p_expected int8[], p_counts int4[],
        p_append_index int4[], p_offsets int4[], p_event_ids text[], p_types text[],
        p_schema_versions int4[], p_data jsonb[], p_metadata jsonb[], p_command_ids text[]
      ) RETURNS TABLE (accepted boolean, actual_version int8, last_position int8, appended_at timestamptz)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        appends int4 := coalesce(array_length(p_stream_ids, 1), 0);
        head int8;
        stream_head int8;
        stream_position int8;
        expected int8;
        base_positions int8[] := '{}';
        base_versions int8[] := '{}';
        versions int8[] := '{}';
        lasts int8[] := '{}';
        oks boolean[] := '{}';
        appended timestamptz;
        written int4 := 0;
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'Ordo appends need READ COMMITTED isolation, not %', current_setting('transaction_isolation')
            USING ERRCODE = '25001';
        END IF;
        PERFORM pg_advisory_xact_lock(${ordoLockClass}, hashtext('${schema}'));
        SELECT coalesce(max(position), 0) INTO head FROM ${t('events')};
        appended := date_trunc('milliseconds', clock_timestamp());
        FOR i IN 1..appends LOOP
          stream_head := NULL;
          stream_position := NULL;
          SELECT e.stream_version, e.position INTO stream_head, stream_position FROM ${t('events')} e
            WHERE e.stream_id = p_stream_ids[i] ORDER BY e.stream_version DESC LIMIT 1;
          stream_head := coalesce(stream_head, 0);
          expected := p_expected[i];
          versions[i] := stream_head;
          -- -1 any, -2 no_stream, -3 stream_exists, n >= 0 that exact version.
          IF expected = -1 OR (expected = -2 AND stream_head = 0) OR (expected = -3 AND stream_head > 0)
             OR expected = stream_head THEN
            oks[i] := true;
            IF p_counts[i] > 0 THEN
              base_positions[i] := head;
              base_versions[i] := stream_head;
              head := head + p_counts[i];
              lasts[i] := head;
              written := written + p_counts[i];
            ELSE
              lasts[i] := coalesce(stream_position, 0);
            END IF;
          ELSE
            oks[i] := false;
          END IF;
        END LOOP;
        IF written > 0 THEN
          INSERT INTO ${t('events')}
            (position, stream_id, stream_version, event_id, type, schema_version, timestamp, data, metadata, command_id)
          SELECT base_positions[u.a] + u.o, p_stream_ids[u.a], base_versions[u.a] + u.o, u.e, u.t, u.v, appended, u.d, u.m, u.c
          FROM unnest(p_append_index, p_offsets, p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_command_ids)
            AS u(a, o, e, t, v, d, m, c)
          WHERE base_positions[u.a] IS NOT NULL;
          PERFORM pg_notify('${appendChannel(schema)}', head::text);
        END IF;
        RETURN QUERY SELECT oks[g], versions[g], lasts[g], appended FROM generate_series(1, appends) AS g;
      END
      $fn$;
    `,
  },
  {
    name: 'snapshots',
    up: (t) => `
      CREATE TABLE ${t('snapshots')} (
        stream_id text PRIMARY KEY,
        stream_version bigint NOT NULL,
        state_version integer NOT NULL,
        state jsonb NOT NULL
      );
    `,
  },
  {
    // Read models (one table per collection, created on demand), checkpoints and parked events.
    name: 'projections',
    up: (t) => `
      CREATE TABLE ${t('checkpoints')} (
        collection text NOT NULL,
        partition integer NOT NULL,
        position bigint NOT NULL,
        PRIMARY KEY (collection, partition)
      );
      CREATE TABLE ${t('read_collections')} (
        name text PRIMARY KEY,
        indexes jsonb NOT NULL
      );
      CREATE TABLE ${t('read_aliases')} (
        alias text PRIMARY KEY,
        collection text NOT NULL
      );
      CREATE TABLE ${t('dead_letters')} (
        collection text NOT NULL,
        position bigint NOT NULL,
        partition integer NOT NULL,
        partition_key text NOT NULL,
        event jsonb NOT NULL,
        error jsonb NOT NULL,
        attempts integer NOT NULL,
        parked_at text NOT NULL,
        PRIMARY KEY (collection, position)
      );
    `,
  },
  {
    // Process-manager deadlines: durable timers that survive restarts.
    name: 'deadlines',
    up: (t) => `
      CREATE TABLE ${t('deadlines')} (
        id text PRIMARY KEY,
        process_name text NOT NULL,
        process_id text NOT NULL,
        step integer NOT NULL,
        due_at timestamptz NOT NULL
      );
      CREATE INDEX deadlines_due ON ${t('deadlines')} (due_at, id);
      CREATE INDEX deadlines_process ON ${t('deadlines')} (process_name, process_id);
    `,
  },
];

/** `"schema"."name"`: a quoted, schema-qualified identifier. */
export const tableName = (schema: string, name: string) => `"${schema}"."${name}"`;

/**
 * Creates the schema and applies pending migrations in one transaction under an advisory lock, so
 * processes starting together migrate it exactly once.
 */
export async function migrateSchema(
  inTransaction: <T>(work: (query: TransactionQuery) => Promise<T>) => Promise<T>,
  schema: string,
  steps: readonly PostgresMigration[] = migrations,
): Promise<void> {
  const table = (name: string) => tableName(schema, name);
  await inTransaction(async (query) => {
    await query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ordoLockClass, `${schema}:migrate`], false);
    await query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`, [], false);
    await query(
      `CREATE TABLE IF NOT EXISTS ${table('migrations')} (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      [],
      false,
    );
    const [row] = await query<[number]>(
      `SELECT coalesce(max(version), 0)::int4 FROM ${table('migrations')}`,
      [],
      false,
    );
    const version = row?.[0] ?? 0;
    if (version > steps.length) throw new SchemaTooNewError(schema, version, steps.length);
    for (const [index, step] of steps.entries()) {
      if (index < version) continue;
      await query(step.up(table, schema), [], false);
      await query(`INSERT INTO ${table('migrations')} (version, name) VALUES ($1, $2)`, [index + 1, step.name], false);
    }
  });
}
