import type { ClaimedJob, Job, JobInput, JobKind, JobProgress, JobStatus, JsonValue } from './job-schemas.js';

/** Filters for `list`; newest first. */
export interface JobListQuery {
  status?: JobStatus;
  kind?: JobKind;
  limit?: number;
}

/**
 * Durable background jobs (ingest, build, train, sweep cells) with plain-JSON payloads. Two
 * drivers pass one suite (job-queue.cases.ts): the embedded journal under `RUNS_ROOT/.buff/jobs`
 * and PostgreSQL through pg-boss. Jobs survive restarts: a job whose worker died is reported
 * `interrupted` with a reason and is handed to the next `claim`; queued jobs stay queued; finished
 * jobs keep their result. Calls from a worker carry the attempt it claimed, so a worker that lost
 * its job (declared dead, then woke up) cannot overwrite the retry's outcome.
 * @example
 * const queue = await openJobQueue({ driver: 'fs', runsRoot: 'runs' });
 * const job = await queue.submit({ kind: 'build', payload: { config: 'configs/run_demo.yml' } });
 */
export interface JobQueue {
  readonly driver: 'fs' | 'pg';
  submit(input: JobInput): Promise<Job>;
  get(id: string): Promise<Job | undefined>;
  list(query?: JobListQuery): Promise<Job[]>;
  /** Jobs queued, interrupted (awaiting retry) or running. */
  depth(): Promise<number>;
  /** Takes the oldest queued or interrupted job of the kinds given, or undefined. */
  claim(worker: string, kinds?: readonly JobKind[]): Promise<ClaimedJob | undefined>;
  /** Says the worker is alive, with its progress; false when the attempt is no longer current. */
  heartbeat(id: string, attempt: number, progress?: JobProgress): Promise<boolean>;
  /** Records the result; false (nothing changed) when the attempt is no longer current. */
  complete(id: string, attempt: number, result: JsonValue): Promise<boolean>;
  /** A failure that a retry would repeat (bad input): the job ends `failed` with the reason. */
  fail(id: string, attempt: number, reason: string): Promise<boolean>;
  /** Hands the job back (the worker is stopping): `interrupted`, retried by the next claim. */
  release(id: string, attempt: number, reason: string): Promise<boolean>;
  /** Marks running jobs whose worker stopped heartbeating (or whose process is gone) interrupted. */
  recover(): Promise<number>;
  /**
   * Resolves when the queue may have changed (any process submitted, claimed or settled a job) or
   * after `timeoutMs`, whichever comes first: idle workers and waiting sweeps wake on it instead of
   * sleeping out a poll interval. Optional; without it callers sleep `timeoutMs`.
   */
  changed?(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Heartbeat timing: a running job silent for `heartbeatSeconds` is interrupted. */
export interface JobTiming {
  /** Seconds without a heartbeat after which a running job is taken back (pg-boss needs >= 10). */
  heartbeatSeconds?: number;
}
