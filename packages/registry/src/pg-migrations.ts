import type pg from 'pg';

/**
 * The postgres driver's schema, in order. Each step runs once, recorded in buff_schema_version;
 * all of them run in one transaction under an advisory lock, so concurrent openers never race.
 * Append new steps; never edit an applied one.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE buff_records (
        collection text NOT NULL,
        id text NOT NULL,
        record jsonb NOT NULL,
        PRIMARY KEY (collection, id)
      );
      CREATE INDEX buff_records_record ON buff_records USING gin (record jsonb_path_ops);
      CREATE INDEX buff_records_created ON buff_records (collection, ((record ->> 'createdAt') COLLATE "C"));
      CREATE TABLE buff_audit (
        seq bigserial PRIMARY KEY,
        at text NOT NULL,
        collection text NOT NULL,
        id text NOT NULL,
        action text NOT NULL,
        actor text NOT NULL,
        details jsonb NOT NULL
      );
      CREATE INDEX buff_audit_subject ON buff_audit (collection, id, seq);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE INDEX buff_records_strategy ON buff_records (collection, (record ->> 'strategy'), ((record ->> 'createdAt') COLLATE "C"));
    `,
  },
  {
    // Exact-match facets: 'key=<json>' per top-level string/boolean field and 'key[]=<json>' per
    // string/boolean array element (values up to 200 characters), in a GIN-indexed text[] column.
    // eq/has filters become one exact index lookup (no JSONB recheck per row), which makes counting
    // the matches cheap (no pending list: reads never scan unmerged inserts); plus createdAt in the
    // newest-first order with its id tie-break, which a newest-first page walks.
    version: 3,
    sql: `
      CREATE FUNCTION buff_facets(record jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT coalesce(array_agg(facet), '{}') FROM (
          SELECT f.key || '=' || f.value::text AS facet FROM jsonb_each(record) AS f
            WHERE jsonb_typeof(f.value) IN ('string', 'boolean') AND length(f.value::text) <= 200 AND f.key ~ '^[A-Za-z_][A-Za-z0-9_]*$'
          UNION ALL
          SELECT f.key || '[]=' || e.value::text FROM jsonb_each(record) AS f, jsonb_array_elements(f.value) AS e(value)
            WHERE jsonb_typeof(f.value) = 'array' AND jsonb_typeof(e.value) IN ('string', 'boolean') AND length(e.value::text) <= 200
              AND f.key ~ '^[A-Za-z_][A-Za-z0-9_]*$'
        ) AS facets
      $fn$;
      ALTER TABLE buff_records ADD COLUMN facets text[] GENERATED ALWAYS AS (buff_facets(record)) STORED;
      CREATE INDEX buff_records_facets ON buff_records USING gin (facets) WITH (fastupdate = off);
      CREATE INDEX buff_records_created_desc ON buff_records (collection, ((record ->> 'createdAt') COLLATE "C") DESC NULLS LAST, id COLLATE "C");
    `,
  },
  {
    // The change stamp: one row, bumped by a statement trigger in the transaction of every write to
    // buff_records (whoever writes, this code or not), so it is visible exactly when the
    // write is (a sequence would move before the commit: a reader could pair the new stamp with the
    // old data and never look again). Reading it is one primary-key row. It starts at the creation
    // time in microseconds, so a database dropped and made again does not repeat old stamps.
    version: 4,
    sql: `
      CREATE TABLE buff_change_stamp (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        stamp bigint NOT NULL
      );
      INSERT INTO buff_change_stamp (stamp) VALUES ((extract(epoch FROM clock_timestamp()) * 1000000)::bigint);
      CREATE FUNCTION buff_bump_change_stamp() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          UPDATE buff_change_stamp SET stamp = stamp + 1;
          RETURN NULL;
        END
      $fn$;
      CREATE TRIGGER buff_records_change_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON buff_records
        FOR EACH STATEMENT EXECUTE FUNCTION buff_bump_change_stamp();
    `,
  },
];

const MIGRATION_LOCK = 0x62756666; // 'buff'

/**
 * Brings the database schema up to date; safe to call from many processes at once.
 * @example await migrate(pool); // -> 4 (the schema version now)
 */
export async function migrate(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS buff_schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM buff_schema_version',
    );
    const current = rows[0]?.version ?? 0;
    for (const step of MIGRATIONS) {
      if (step.version <= current) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO buff_schema_version (version) VALUES ($1)', [step.version]);
    }
    await client.query('COMMIT');
    return MIGRATIONS.at(-1)?.version ?? 0;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
