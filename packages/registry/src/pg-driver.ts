import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { BuffError } from '@buff/core';
import { migrate } from './pg-migrations.js';
import { ListQuerySchema, type AuditEntry, type AuditInput, type DriverProblem, type Filter, type JsonRecord, type ListQueryInput, type StorageDriver } from './storage-driver.js';

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
 * log in `buff_audit`; schema created and migrated on open. Several processes share one database.
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
    throw new BuffError('PROVIDER_UNAVAILABLE', `cannot open the postgres registry at ${redact(options.url)}: ${(err as Error).message}`, {
      cause: err,
      details: { key: 'pgUrl', value: redact(options.url) },
    });
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
    const { rows } = await this.pool.query<{ record: JsonRecord }>('SELECT record FROM buff_records WHERE collection = $1 AND id = $2', [collection, id]);
    return rows[0]?.record;
  }

  async list(collection: string, input: ListQueryInput): Promise<{ items: JsonRecord[]; total: number }> {
    const query = ListQuerySchema.parse(input);
    const params: unknown[] = [collection];
    const where = ['collection = $1', ...conditions(query.where, params)].join(' AND ');
    let order = 'id COLLATE "C"';
    let key = 'NULL::text';
    if (query.sort) {
      const direction = query.sort.direction === 'desc' ? 'DESC' : 'ASC';
      key = query.sort.type === 'string' ? `(${textAt(query.sort.field)}) COLLATE "C"` : numberAt(query.sort.field);
      order = `k ${direction} NULLS LAST, ${order}`;
    }
    params.push(query.limit, query.offset);
    // the page is sorted with LIMIT (an index walk or a top-N sort), and the total is a separate
    // count over the same predicates (an index lookup): no window over every match
    const sql = `WITH page AS (SELECT record, id, ${key} AS k FROM buff_records WHERE ${where} ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length})
      SELECT record, (SELECT count(*) FROM buff_records WHERE ${where}) AS total FROM page ORDER BY ${order}`;
    const { rows } = await this.pool.query<{ record: JsonRecord; total: string }>(sql, params);
    if (rows.length > 0) return { items: rows.map((row) => row.record), total: Number(rows[0]?.total) };
    const count = await this.pool.query<{ total: string }>(`SELECT count(*) AS total FROM buff_records WHERE ${where}`, params.slice(0, -2));
    return { items: [], total: Number(count.rows[0]?.total ?? 0) };
  }

  async ids(collection: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM buff_records WHERE collection = $1', [collection]);
    return rows.map((row) => row.id).sort();
  }

  async insert(collection: string, id: string, record: JsonRecord): Promise<boolean> {
    const result = await this.pool.query('INSERT INTO buff_records (collection, id, record) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [collection, id, record]);
    return result.rowCount === 1;
  }

  async putMany(collection: string, entries: Array<{ id: string; record: JsonRecord }>): Promise<void> {
    for (let start = 0; start < entries.length; start += BATCH) await upsertBatch(this.pool, collection, entries.slice(start, start + BATCH));
  }

  async remove(collection: string, id: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM buff_records WHERE collection = $1 AND id = $2', [collection, id]);
    return result.rowCount === 1;
  }

  async replaceAll(collection: string, entries: Array<{ id: string; record: JsonRecord }>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM buff_records WHERE collection = $1', [collection]);
      for (let start = 0; start < entries.length; start += BATCH) await upsertBatch(client, collection, entries.slice(start, start + BATCH));
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
    const { rows } = await this.pool.query<{ seq: string; at: string; collection: string; id: string; action: string; actor: string; details: Record<string, unknown> }>(
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

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function upsertBatch(db: pg.Pool | pg.PoolClient, collection: string, entries: Array<{ id: string; record: JsonRecord }>): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO buff_records (collection, id, record)
     SELECT $1, t.id, t.record FROM unnest($2::text[], $3::jsonb[]) AS t(id, record)
     ON CONFLICT (collection, id) DO UPDATE SET record = EXCLUDED.record`,
    [collection, entries.map((entry) => entry.id), entries.map((entry) => JSON.stringify(entry.record))],
  );
}

/** A dotted path as a SQL text extraction; paths are identifier-only (checked by FilterSchema). */
function textAt(field: string): string {
  const parts = field.split('.');
  return parts.length === 1 ? `record ->> '${field}'` : `record #>> '{${parts.join(',')}}'`;
}

function numberAt(field: string): string {
  const json = `record #> '{${field.split('.').join(',')}}'`;
  return `(CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::text::float8 END)`;
}

/** Facet strings are short ASCII JSON texts (see migration 3); other values use JSONB containment. */
const FACET_VALUE = /^[\x20-\x7e]{1,200}$/;

/**
 * SQL conditions for the filters. Top-level eq/has filters on strings and booleans become one
 * `facets @> ARRAY[...]` (exact, GIN-indexed); the rest JSONB containment or a range on the value.
 */
function conditions(filters: Filter[], params: unknown[]): string[] {
  const facets: string[] = [];
  const rest: string[] = [];
  for (const filter of filters) {
    const json = JSON.stringify(filter.value);
    if ((filter.op === 'eq' || filter.op === 'has') && typeof filter.value !== 'number' && !filter.field.includes('.') && FACET_VALUE.test(json)) {
      params.push(`${filter.field}${filter.op === 'has' ? '[]' : ''}=`, json);
      // the JSON text is rendered by the server (jsonb output), exactly as buff_facets renders it
      facets.push(`$${params.length - 1}::text || ($${params.length}::jsonb)::text`);
    } else {
      rest.push(condition(filter, params));
    }
  }
  return facets.length > 0 ? [`facets @> ARRAY[${facets.join(', ')}]`, ...rest] : rest;
}

function condition(filter: Filter, params: unknown[]): string {
  const nest = (leaf: unknown): unknown => filter.field.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), leaf);
  switch (filter.op) {
    case 'eq':
      params.push(JSON.stringify(nest(filter.value)));
      return `record @> $${params.length}::jsonb`;
    case 'has':
      params.push(JSON.stringify(nest([filter.value])));
      return `record @> $${params.length}::jsonb`;
    case 'gte':
    case 'lte': {
      const op = filter.op === 'gte' ? '>=' : '<=';
      params.push(filter.value);
      if (typeof filter.value === 'number') return `${numberAt(filter.field)} ${op} $${params.length}::float8`;
      if (typeof filter.value === 'string') return `(${textAt(filter.field)}) COLLATE "C" ${op} $${params.length}::text`;
      return 'false';
    }
  }
}
