import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { JobWithMetadata } from 'pg-boss';
import { BuffError, parseOrThrow } from '@buff/core';
import type { JobListQuery, JobQueue, JobTiming } from './job-queue.js';
import { interruptedReason, toJob, type SideRow } from './pg-job-map.js';
import {
  type ClaimedJob,
  type Job,
  JobInputSchema,
  JobKindSchema,
  type JobKind,
  type JobProgress,
  type JobStatus,
  type JsonValue,
} from './job-schemas.js';

export interface PgJobQueueOptions extends JobTiming {
  /** The database of the postgres registry driver, e.g. `postgres://buff@10.0.0.1:5432/buff`. */
  url: string;
  /** How often (s) pg-boss's supervisor takes back jobs whose heartbeat stopped. Default 5. */
  superviseSeconds?: number;
  /** Rows per query when listing (each `list` reads page after page, never the whole table). Default 200. */
  listPageSize?: number;
}

const SCHEMA = 'buff_pgboss';
const KINDS = JobKindSchema.options;
const queueOf = (kind: JobKind): string => `buff-${kind}`;
/** The pg-boss states each Buff status can come from (see toJob). */
const STATES_OF: Record<JobStatus, string[]> = {
  queued: ['created'],
  running: ['active'],
  interrupted: ['retry'],
  done: ['completed'],
  failed: ['completed', 'failed', 'cancelled'],
};

const SIDE_TABLE = `CREATE TABLE IF NOT EXISTS buff_job_state (
  id uuid PRIMARY KEY, kind text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
  progress jsonb, worker text, reason text, updated_at timestamptz NOT NULL DEFAULT now())`;
const SIDE_INDEX = 'CREATE INDEX IF NOT EXISTS buff_job_state_created ON buff_job_state (created_at DESC, id DESC)';

/**
 * The PostgreSQL JobQueue: pg-boss (one queue per kind, heartbeats, fenced retries) in the schema
 * `buff_pgboss`, plus `buff_job_state` (progress, worker, reason) on the same database as the
 * postgres registry driver. Any number of `buff worker` processes on any host share it.
 * @example const queue = await openPgJobQueue({ url: process.env.BUFF_PG_URL! });
 */
export async function openPgJobQueue(options: PgJobQueueOptions): Promise<JobQueue> {
  const heartbeatSeconds = options.heartbeatSeconds ?? 30;
  if (heartbeatSeconds < 10) {
    throw new BuffError('INVALID_CONFIG', `heartbeatSeconds must be >= 10 for pg-boss, got ${heartbeatSeconds}`, {
      details: { key: 'heartbeatSeconds', value: String(heartbeatSeconds), rule: '>= 10' },
    });
  }
  const [{ PgBoss: Boss }, { default: pgModule }] = await Promise.all([import('pg-boss'), import('pg')]);
  const supervise = options.superviseSeconds ?? 5;
  const boss = new Boss({
    connectionString: options.url,
    schema: SCHEMA,
    max: 4,
    schedule: false,
    supervise: true,
    superviseIntervalSeconds: supervise,
    monitorIntervalSeconds: supervise,
  });
  boss.on('error', () => undefined);
  const pool = new pgModule.Pool({ connectionString: options.url, max: 2 });
  pool.on('error', () => undefined);
  try {
    await boss.start();
    await pool.query(SIDE_TABLE);
    await pool.query(SIDE_INDEX);
    const existing = new Set((await boss.getQueues()).map((queue) => queue.name));
    for (const kind of KINDS) {
      if (!existing.has(queueOf(kind))) {
        await boss.createQueue(queueOf(kind), { heartbeatSeconds, retryDelay: 0, expireInSeconds: 24 * 3600 });
      }
    }
  } catch (err) {
    await Promise.allSettled([boss.stop({ graceful: false }), pool.end()]);
    throw new BuffError('PROVIDER_UNAVAILABLE', `cannot open the postgres job queue: ${(err as Error).message}`, {
      cause: err,
      details: { key: 'pgUrl' },
    });
  }
  return new PgJobQueue(boss, pool, options.listPageSize ?? 200);
}

class PgJobQueue implements JobQueue {
  readonly driver = 'pg' as const;

  constructor(
    private readonly boss: PgBoss,
    private readonly pool: pg.Pool,
    private readonly pageSize: number,
  ) {}

  async submit(input: Parameters<JobQueue['submit']>[0]): Promise<Job> {
    const parsed = parseOrThrow(JobInputSchema, input, 'INVALID_INPUT', 'job');
    const id = randomUUID();
    await this.pool.query('INSERT INTO buff_job_state (id, kind, progress) VALUES ($1, $2, $3)', [
      id,
      parsed.kind,
      { step: 'queued' },
    ]);
    await this.boss.send(queueOf(parsed.kind), { payload: parsed.payload } as object, {
      id,
      retryLimit: parsed.maxAttempts - 1,
      retryDelay: 0,
    });
    return (await this.get(id)) as Job;
  }

  async get(id: string): Promise<Job | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
    const { rows } = await this.pool.query<SideRow>('SELECT * FROM buff_job_state WHERE id = $1', [id]);
    return rows[0] ? this.load(rows[0]) : undefined;
  }

  /**
   * Newest first, in pages of `listPageSize` rows (keyset on created_at, id): the status filter is
   * pushed into SQL through pg-boss's job state, so no query reads more than one page however large
   * the table; only done vs failed (one pg-boss state, told apart by the outcome) is sorted here.
   */
  async list(query: JobListQuery = {}): Promise<Job[]> {
    const limit = query.limit ?? 100;
    const jobs: Job[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    while (jobs.length < limit) {
      const rows = await this.listPage(query, after);
      for (const row of rows) {
        const job = await this.load(row);
        if (job && (!query.status || job.status === query.status)) jobs.push(job);
      }
      const last = rows.at(-1);
      if (!last || rows.length < this.pageSize) break;
      after = { createdAt: last.created_at, id: last.id };
    }
    return jobs.slice(0, limit);
  }

  private async listPage(query: JobListQuery, after?: { createdAt: Date; id: string }): Promise<SideRow[]> {
    const params: unknown[] = [this.pageSize];
    const where: string[] = [];
    if (query.kind) where.push(`s.kind = $${params.push(query.kind)}`);
    if (query.status) where.push(`j.state::text = ANY($${params.push(STATES_OF[query.status])})`);
    if (after) {
      where.push(`(s.created_at, s.id) < ($${params.push(after.createdAt)}, $${params.push(after.id)})`);
    }
    const { rows } = await this.pool.query<SideRow>(
      `SELECT s.* FROM buff_job_state s JOIN ${SCHEMA}.job j ON j.id = s.id AND j.name = 'buff-' || s.kind
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY s.created_at DESC, s.id DESC LIMIT $1`,
      params,
    );
    return rows;
  }

  async depth(): Promise<number> {
    // pg-boss's queue counts are cached by its monitor; its job table answers now
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${SCHEMA}.job WHERE name = ANY($1) AND state IN ('created', 'retry', 'active')`,
      [KINDS.map(queueOf)],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async claim(worker: string, kinds: readonly JobKind[] = KINDS): Promise<ClaimedJob | undefined> {
    for (const kind of await this.oldestFirst(kinds)) {
      const [fetched] = await this.boss.fetch<{ payload: JsonValue }>(queueOf(kind), { batchSize: 1 });
      if (!fetched) continue;
      if (fetched.retryCount > 0) await this.keepInterruption(kind, fetched.id);
      await this.pool.query(
        `UPDATE buff_job_state SET worker = $2, progress = '{"step":"started"}', updated_at = now() WHERE id = $1`,
        [fetched.id, worker],
      );
      const job = await this.get(fetched.id);
      if (job) return { job, attempt: fetched.retryCount + 1 };
    }
    return undefined;
  }

  async heartbeat(id: string, attempt: number, progress?: JobProgress): Promise<boolean> {
    const kind = await this.kindOf(id);
    if (!kind) return false;
    const touched = await this.boss.touch(queueOf(kind), { id, retryCount: attempt - 1 });
    if (!affected(touched)) return false;
    if (progress) {
      await this.pool.query('UPDATE buff_job_state SET progress = $2, updated_at = now() WHERE id = $1', [
        id,
        progress,
      ]);
    }
    return true;
  }

  async complete(id: string, attempt: number, result: JsonValue): Promise<boolean> {
    return this.settle(id, attempt, 'done', (name, ref) => this.boss.complete(name, ref, { outcome: 'done', result }));
  }

  async fail(id: string, attempt: number, reason: string): Promise<boolean> {
    // completed with a failed outcome: pg-boss's own `fail` would retry, and a bad input fails again
    return this.settle(id, attempt, 'failed', (name, ref) =>
      this.boss.complete(name, ref, { outcome: 'failed', reason }),
    );
  }

  async release(id: string, attempt: number, reason: string): Promise<boolean> {
    return this.settle(
      id,
      attempt,
      'interrupted',
      (name, ref) => this.boss.fail(name, ref, { message: reason }),
      reason,
    );
  }

  /**
   * Takes back running jobs whose heartbeat lapsed: pg-boss's supervisor fails them into `retry`
   * (its expiry runs in batches of 1,000 a transaction). Counted in pages of `listPageSize` ids
   * (keyset on id): the lapsed jobs are listed page by page, then the ones no longer active counted.
   */
  async recover(): Promise<number> {
    const lapsed: string[][] = [];
    for (let page = await this.lapsedPage(''); page.length > 0; page = await this.lapsedPage(page.at(-1) as string)) {
      lapsed.push(page);
      if (page.length < this.pageSize) break;
    }
    for (const kind of KINDS) await this.boss.supervise(queueOf(kind));
    let recovered = 0;
    for (const ids of lapsed) {
      const { rows } = await this.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${SCHEMA}.job WHERE id::text = ANY($1) AND state <> 'active'`,
        [ids],
      );
      recovered += rows[0]?.n ?? 0;
    }
    return recovered;
  }

  /** Up to `listPageSize` ids of active jobs of buff's queues whose heartbeat lapsed, after `after` by id. */
  private async lapsedPage(after: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id::text AS id FROM ${SCHEMA}.job
       WHERE name = ANY($1) AND state = 'active' AND heartbeat_seconds IS NOT NULL
         AND heartbeat_on + heartbeat_seconds * interval '1s' < now() AND id::text > $2
       ORDER BY id::text LIMIT $3`,
      [KINDS.map(queueOf), after, this.pageSize],
    );
    return rows.map((row) => row.id);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.boss.stop({ graceful: false, close: true, timeout: 5000 }), this.pool.end()]);
  }

  private async settle(
    id: string,
    attempt: number,
    step: string,
    command: (name: string, ref: { id: string; retryCount: number }) => Promise<unknown>,
    reason?: string,
  ): Promise<boolean> {
    const kind = await this.kindOf(id);
    if (!kind) return false;
    if (!affected(await command(queueOf(kind), { id, retryCount: attempt - 1 }))) return false;
    await this.pool.query(
      'UPDATE buff_job_state SET progress = $2, reason = COALESCE($3, reason), updated_at = now() WHERE id = $1',
      [id, { step }, reason ?? null],
    );
    return true;
  }

  /** The kinds asked for, the one whose oldest waiting job is oldest first (pg-boss orders within a queue). */
  private async oldestFirst(kinds: readonly JobKind[]): Promise<JobKind[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT name FROM ${SCHEMA}.job WHERE name = ANY($1) AND state IN ('created', 'retry')
       GROUP BY name ORDER BY min(created_on)`,
      [kinds.map(queueOf)],
    );
    return rows.map((row) => row.name.slice('buff-'.length) as JobKind);
  }

  /** A retried job keeps why its last attempt was interrupted (pg-boss overwrites the output on completion). */
  private async keepInterruption(kind: JobKind, id: string): Promise<void> {
    const found = await this.boss.getJobById<{ payload: JsonValue }>(queueOf(kind), id);
    const { rows } = await this.pool.query<SideRow>('SELECT * FROM buff_job_state WHERE id = $1', [id]);
    if (!found || !rows[0]) return;
    const reason = interruptedReason(rows[0], (found.output ?? null) as Parameters<typeof interruptedReason>[1]);
    await this.pool.query('UPDATE buff_job_state SET reason = $2 WHERE id = $1', [id, reason]);
  }

  private async kindOf(id: string): Promise<JobKind | undefined> {
    const { rows } = await this.pool.query<{ kind: JobKind }>('SELECT kind FROM buff_job_state WHERE id = $1', [id]);
    return rows[0]?.kind;
  }

  private async load(row: SideRow): Promise<Job | undefined> {
    const found = await this.boss.getJobById<{ payload: JsonValue }>(queueOf(row.kind), row.id);
    if (!found) return undefined;
    return toJob(found as JobWithMetadata<{ payload: JsonValue }>, row, interruptedReason);
  }
}

function affected(response: unknown): boolean {
  return ((response as { affected?: number } | undefined)?.affected ?? 0) > 0;
}
