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
];

const MIGRATION_LOCK = 0x62756666; // 'buff'

/**
 * Brings the database schema up to date; safe to call from many processes at once.
 * @example await migrate(pool); // -> 2 (the schema version now)
 */
export async function migrate(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS buff_schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM buff_schema_version');
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
