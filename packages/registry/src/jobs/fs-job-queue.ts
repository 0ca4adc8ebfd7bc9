import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseOrThrow } from '@buff/core';
import { openFsDriver } from '../fs-driver.js';
import { ChangeWatch } from './change-watch.js';
import type { JsonRecord, StorageDriver } from '../storage-driver.js';
import type { JobListQuery, JobQueue, JobTiming } from './job-queue.js';
import {
  type ClaimedJob,
  type Job,
  JobInputSchema,
  JobSchema,
  type JobKind,
  type JobProgress,
  type JsonValue,
} from './job-schemas.js';

export interface FsJobQueueOptions extends JobTiming {
  /** RUNS_ROOT; the journal lives in `<runsRoot>/.buff/jobs/.index/`. */
  runsRoot: string;
}

/** Who holds a running job: the process (pid + a token per process, against pid reuse) and its last beat. */
interface Lease {
  host: string;
  pid: number;
  token: string;
  beatAt: number;
}

interface Stored {
  job: Job;
  lease?: Lease;
}

const COLLECTION = 'jobs';
const PROCESS_TOKEN = randomBytes(8).toString('hex');

/**
 * The embedded JobQueue: one record per job in the registry's crash-safe journal (fs driver,
 * lock file for writers) under `RUNS_ROOT/.buff/jobs`. Workers on the same machine share it.
 * @example const queue = openFsJobQueue({ runsRoot: 'runs' });
 */
export function openFsJobQueue(options: FsJobQueueOptions): JobQueue {
  const root = join(options.runsRoot, '.buff', 'jobs');
  const store = openFsDriver({ root });
  return new FsJobQueue(store, (options.heartbeatSeconds ?? 30) * 1000, new ChangeWatch(join(root, '.index')));
}

class FsJobQueue implements JobQueue {
  readonly driver = 'fs' as const;

  constructor(
    private readonly store: StorageDriver,
    private readonly staleMs: number,
    private readonly watch: ChangeWatch,
  ) {}

  async submit(input: Parameters<JobQueue['submit']>[0]): Promise<Job> {
    const parsed = parseOrThrow(JobInputSchema, input, 'INVALID_INPUT', 'job');
    const now = new Date().toISOString();
    const job: Job = {
      id: `job-${randomBytes(8).toString('hex')}`,
      kind: parsed.kind,
      payload: parsed.payload,
      status: 'queued',
      progress: { step: 'queued' },
      attempts: 0,
      maxAttempts: parsed.maxAttempts,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.insert(COLLECTION, job.id, { job } as unknown as JsonRecord);
    return job;
  }

  async get(id: string): Promise<Job | undefined> {
    return (await this.read(id))?.job;
  }

  async list(query: JobListQuery = {}): Promise<Job[]> {
    const where = [];
    if (query.status) where.push({ field: 'job.status', op: 'eq' as const, value: query.status });
    if (query.kind) where.push({ field: 'job.kind', op: 'eq' as const, value: query.kind });
    const { items } = await this.store.list(COLLECTION, {
      where,
      sort: { field: 'job.createdAt', direction: 'desc', type: 'string' },
      limit: query.limit ?? 100,
    });
    return items.map((item) => (item as unknown as Stored).job);
  }

  async depth(): Promise<number> {
    let total = 0;
    for (const status of ['queued', 'interrupted', 'running'] as const) {
      total += (
        await this.store.list(COLLECTION, { where: [{ field: 'job.status', op: 'eq', value: status }], limit: 0 })
      ).total;
    }
    return total;
  }

  async claim(worker: string, kinds?: readonly JobKind[]): Promise<ClaimedJob | undefined> {
    // an idle worker's poll reads the index without the lock: only when a job waits or a running
    // job's holder looks dead does it take the lock (and look again, recovering dead holders first)
    if (!(await this.mayClaim(kinds))) return undefined;
    return this.store.exclusive(async () => {
      await this.recoverLocked();
      const waiting = await this.waiting(kinds);
      const next = waiting[0];
      if (!next) return undefined;
      const now = new Date().toISOString();
      const job: Job = {
        ...next.job,
        status: 'running',
        progress: { step: 'started' },
        attempts: next.job.attempts + 1,
        startedAt: now,
        updatedAt: now,
        worker,
      };
      await this.write({
        job,
        lease: { host: hostname(), pid: process.pid, token: PROCESS_TOKEN, beatAt: Date.now() },
      });
      return { job, attempt: job.attempts };
    });
  }

  heartbeat(id: string, attempt: number, progress?: JobProgress): Promise<boolean> {
    return this.settle(id, attempt, (stored) => ({
      job: { ...stored.job, progress: progress ?? stored.job.progress, updatedAt: new Date().toISOString() },
      lease: { ...(stored.lease as Lease), beatAt: Date.now() },
    }));
  }

  complete(id: string, attempt: number, result: JsonValue): Promise<boolean> {
    return this.settle(id, attempt, ({ job }) => ({ job: finished(job, 'done', { result }) }));
  }

  fail(id: string, attempt: number, reason: string): Promise<boolean> {
    return this.settle(id, attempt, ({ job }) => ({ job: finished(job, 'failed', { reason }) }));
  }

  release(id: string, attempt: number, reason: string): Promise<boolean> {
    return this.settle(id, attempt, ({ job }) => ({ job: interrupted(job, reason) }));
  }

  recover(): Promise<number> {
    return this.store.exclusive(() => this.recoverLocked());
  }

  changed(timeoutMs: number): Promise<void> {
    return this.watch.wait(timeoutMs);
  }

  close(): Promise<void> {
    this.watch.close();
    return this.store.close();
  }

  private async recoverLocked(): Promise<number> {
    const { items } = await this.store.list(COLLECTION, {
      where: [{ field: 'job.status', op: 'eq', value: 'running' }],
      limit: 100_000,
    });
    let count = 0;
    for (const stored of items as unknown as Stored[]) {
      const why = this.deadReason(stored.lease);
      if (!why) continue;
      await this.write({ job: interrupted(stored.job, `worker ${stored.job.worker ?? '?'} ${why}`) });
      count += 1;
    }
    return count;
  }

  private deadReason(lease: Lease | undefined): string | undefined {
    if (!lease) return 'left no lease';
    if (lease.host === hostname() && lease.pid === process.pid && lease.token !== PROCESS_TOKEN)
      return `(pid ${lease.pid}) stopped: a new process now has its pid`;
    if (lease.host === hostname() && lease.pid !== process.pid && !pidAlive(lease.pid))
      return `(pid ${lease.pid}) stopped without finishing the job`;
    const silent = Date.now() - lease.beatAt;
    if (silent > this.staleMs)
      return `(pid ${lease.pid} on ${lease.host}) sent no heartbeat for ${Math.round(silent / 1000)} s`;
    return undefined;
  }

  /** A lock-free look: is a job of these kinds waiting, or does a running job's holder look dead? */
  private async mayClaim(kinds: readonly JobKind[] | undefined): Promise<boolean> {
    for (const status of ['interrupted', 'queued', 'running'] as const) {
      const { items } = await this.store.list(COLLECTION, {
        where: [{ field: 'job.status', op: 'eq', value: status }],
        limit: 100_000,
      });
      const found = (items as unknown as Stored[]).some((item) =>
        status === 'running' ? this.deadReason(item.lease) !== undefined : !kinds || kinds.includes(item.job.kind),
      );
      if (found) return true;
    }
    return false;
  }

  private async waiting(kinds: readonly JobKind[] | undefined): Promise<Stored[]> {
    const found: Stored[] = [];
    for (const status of ['interrupted', 'queued'] as const) {
      const { items } = await this.store.list(COLLECTION, {
        where: [{ field: 'job.status', op: 'eq', value: status }],
        sort: { field: 'job.createdAt', direction: 'asc', type: 'string' },
        limit: 100_000,
      });
      found.push(...(items as unknown as Stored[]).filter((item) => !kinds || kinds.includes(item.job.kind)));
    }
    return found.sort((a, b) => a.job.createdAt.localeCompare(b.job.createdAt) || a.job.id.localeCompare(b.job.id));
  }

  private settle(id: string, attempt: number, next: (stored: Stored) => Stored): Promise<boolean> {
    return this.store.exclusive(async () => {
      const stored = await this.read(id);
      if (!stored || stored.job.status !== 'running' || stored.job.attempts !== attempt) return false;
      await this.write(next(stored));
      return true;
    });
  }

  private async read(id: string): Promise<Stored | undefined> {
    return (await this.store.get(COLLECTION, id)) as unknown as Stored | undefined;
  }

  private async write(stored: Stored): Promise<void> {
    JobSchema.parse(stored.job);
    await this.store.putMany(COLLECTION, [{ id: stored.job.id, record: stored as unknown as JsonRecord }]);
  }
}

function finished(job: Job, status: 'done' | 'failed', extra: { result?: JsonValue; reason?: string }): Job {
  const now = new Date().toISOString();
  return { ...job, ...extra, status, progress: { step: status }, updatedAt: now, finishedAt: now };
}

/** A job whose worker stopped: retried by the next claim, or failed once its attempts are used up. */
export function interrupted(job: Job, reason: string): Job {
  const now = new Date().toISOString();
  if (job.attempts >= job.maxAttempts) {
    return {
      ...job,
      status: 'failed',
      reason: `${reason}; gave up after ${job.attempts} attempts`,
      updatedAt: now,
      finishedAt: now,
    };
  }
  return { ...job, status: 'interrupted', progress: { step: 'interrupted' }, reason, updatedAt: now };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
