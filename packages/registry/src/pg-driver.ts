import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { BuffError } from '@buff/core';
import { listSql } from './pg-list-sql.js';
import { migrate } from './pg-migrations.js';
import {
  ListQuerySchema,
  type AuditEntry,
  type AuditInput,
  type DriverProblem,
  type JsonRecord,
  type ListQueryInput,
  type StorageDriver,
} from './storage-driver.js';

export interface PgDriverOptions {
  /** A PostgreSQL connection string, e.g. `postgres://buff@127.0.0.1:5432/buff`. */
  url: string;
  /** Pool size per process. */
  poolSize?: number;
}

const EXCLUSIVE_LOCK = 0x62756667;
const BATCH = 2_000;

/**
 * The postgres driver: records in `buff_records` (JSONB, GIN + expression indexes), the audit
 * log in `buff_audit`, a change stamp every write bumps in `buff_change_stamp`; schema created and
 * migrated on open. Several processes share one database.
 * @example const driver = await openPgDriver({ url: process.env.BUFF_PG_URL! });
 */
export async function openPgDriver(options: PgDriverOptions): Promise<StorageDriver> {
  // loaded here, not at import: fs-only users (a cold `buff runs list`) never pay for the pg module
  const { default: pgModule } = await import('pg');
  const pool = new pgModule.Pool({ connectionString: options.url, max: options.poolSize ?? 4 });
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new BuffError(
      'PROVIDER_UNAVAILABLE',
      `cannot open the postgres registry at ${redact(options.url)}: ${(err as Error).message}`,
      {
        cause: err,
        details: { key: 'pgUrl', value: redact(options.url) },
      },
    );
  }
  return new PgDriver(pool);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

class PgDriver implements StorageDriver {
  readonly kind = 'postgres' as const;
  private readonly inLock = new AsyncLocalStorage<boolean>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly pool: pg.Pool) {}

  async get(collection: string, id: string): Promise<JsonRecord | undefined> {
    const { rows } = await this.pool.query<{ record: JsonRecord }>(
      'SELECT record FROM buff_records WHERE collection = $1 AND id = $2',
      [collection, id],
    );
    return rows[0]?.record;
  }

  async list(collection: string, input: ListQueryInput): Promise<{ items: JsonRecord[]; total: number }> {
    const sql = listSql(collection, ListQuerySchema.parse(input));
    const { rows } = await this.pool.query<{ record: JsonRecord; total: string }>(sql.page, sql.params);
    if (rows.length > 0) return { items: rows.map((row) => row.record), total: Number(rows[0]?.total) };
    const count = await this.pool.query<{ total: string }>(sql.count, sql.countParams);
    return { items: [], total: Number(count.rows[0]?.total ?? 0) };
  }

  async ids(collection: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM buff_records WHERE collection = $1', [
      collection,
    ]);
    return rows.map((row) => row.id).sort();
  }

  async insert(collection: string, id: string, record: JsonRecord): Promise<boolean> {
    const result = await this.pool.query(
      'INSERT INTO buff_records (collection, id, record) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [collection, id, record],
    );
    return result.rowCount === 1;
  }

  async putMany(collection: string, entries: Array<{ id: string; record: JsonRecord }>): Promise<void> {
    for (let start = 0; start < entries.length; start += BATCH)
      await upsertBatch(this.pool, collection, entries.slice(start, start + BATCH));
  }

  async remove(collection: string, id: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM buff_records WHERE collection = $1 AND id = $2', [
      collection,
      id,
    ]);
    return result.rowCount === 1;
  }

  async replaceAll(collection: string, entries: Array<{ id: string; record: JsonRecord }>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM buff_records WHERE collection = $1', [collection]);
      for (let start = 0; start < entries.length; start += BATCH)
        await upsertBatch(client, collection, entries.slice(start, start + BATCH));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    // a whole collection was replaced: fresh statistics, so listings plan on what is there now
    await this.pool.query('ANALYZE buff_records');
  }

  async appendAudit(entry: AuditInput): Promise<AuditEntry> {
    const { rows } = await this.pool.query<{ seq: string }>(
      'INSERT INTO buff_audit (at, collection, id, action, actor, details) VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq',
      [entry.at, entry.collection, entry.id, entry.action, entry.actor, entry.details],
    );
    return { seq: Number(rows[0]?.seq), ...entry };
  }

  async readAudit(filter: { collection?: string; id?: string } = {}): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<{
      seq: string;
      at: string;
      collection: string;
      id: string;
      action: string;
      actor: string;
      details: Record<string, unknown>;
    }>(
      'SELECT seq, at, collection, id, action, actor, details FROM buff_audit WHERE ($1::text IS NULL OR collection = $1) AND ($2::text IS NULL OR id = $2) ORDER BY seq',
      [filter.collection ?? null, filter.id ?? null],
    );
    return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
  }

  /**
   * A session advisory lock held on one connection while `fn` runs; re-entrant inside `fn`.
   * Calls from one process queue first, so they never tie up the whole pool waiting.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inLock.getStore()) return fn();
    const run = this.queue.then(() => this.locked(fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [EXCLUSIVE_LOCK]);
      try {
        return await this.inLock.run(true, fn);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [EXCLUSIVE_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  problems(): DriverProblem[] {
    return [];
  }

  /** The one-row counter every write bumps in its own transaction (schema step 4), whichever process wrote. */
  async changeStamp(): Promise<string> {
    const { rows } = await this.pool.query<{ stamp: string }>('SELECT stamp FROM buff_change_stamp');
    const stamp = rows[0]?.stamp;
    if (stamp === undefined) {
      throw new BuffError('CORRUPT_ARTIFACT', 'the postgres registry table buff_change_stamp has lost its row', {
        details: { key: 'buff_change_stamp', rule: 'CHANGE_STAMP_ROW' },
      });
    }
    return `pg:${stamp}`;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function upsertBatch(
  db: pg.Pool | pg.PoolClient,
  collection: string,
  entries: Array<{ id: string; record: JsonRecord }>,
): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO buff_records (collection, id, record)
     SELECT $1, t.id, t.record FROM unnest($2::text[], $3::jsonb[]) AS t(id, record)
     ON CONFLICT (collection, id) DO UPDATE SET record = EXCLUDED.record`,
    [collection, entries.map((entry) => entry.id), entries.map((entry) => JSON.stringify(entry.record))],
  );
}
