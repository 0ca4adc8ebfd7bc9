import type { JobWithMetadata } from 'pg-boss';
import type { Job, JobKind, JobProgress, JsonValue } from './job-schemas.js';

/** A row of `buff_job_state`: what pg-boss does not keep (progress, worker, reason). */
export interface SideRow {
  id: string;
  kind: JobKind;
  created_at: Date;
  progress: JobProgress | null;
  worker: string | null;
  reason: string | null;
  updated_at: Date;
}

interface Output {
  outcome?: 'done' | 'failed';
  result?: JsonValue;
  reason?: string;
  message?: string;
  value?: { message?: string };
}

/** Why pg-boss put a job back: our hand-back reason, or its heartbeat / timeout message. */
export function interruptedReason(row: SideRow, output: Output | null): string {
  const said = output?.message ?? output?.value?.message;
  if (said === 'job heartbeat timeout') return `worker ${row.worker ?? '?'} sent no heartbeat in time (${said})`;
  if (said === 'job timed out') return `worker ${row.worker ?? '?'} ran past the job's time limit (${said})`;
  return said ?? row.reason ?? 'interrupted';
}

/**
 * One pg-boss job (with its side row) as a Buff Job: created -> queued, active -> running, retry ->
 * interrupted, completed -> done or failed (by the outcome the worker recorded), failed or cancelled -> failed.
 */
export function toJob(
  found: JobWithMetadata<{ payload: JsonValue }>,
  row: SideRow,
  reasonOf: (row: SideRow, output: Output | null) => string,
): Job {
  const output = (found.output ?? null) as Output | null;
  const started = found.state !== 'created';
  const job: Job = {
    id: found.id,
    kind: row.kind,
    payload: found.data.payload,
    status: 'queued',
    progress: row.progress ?? { step: 'queued' },
    attempts: started ? found.retryCount + 1 : 0,
    maxAttempts: found.retryLimit + 1,
    createdAt: new Date(found.createdOn).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
  if (found.startedOn && started) job.startedAt = new Date(found.startedOn).toISOString();
  if (row.worker) job.worker = row.worker;
  if (row.reason) job.reason = row.reason; // the last interruption, kept on a retried job
  if (found.state === 'active') job.status = 'running';
  if (found.state === 'retry') Object.assign(job, { status: 'interrupted', reason: reasonOf(row, output) });
  if (found.state === 'completed' && output?.outcome === 'failed') {
    Object.assign(job, { status: 'failed', reason: output.reason ?? 'failed' });
  } else if (found.state === 'completed') {
    Object.assign(job, { status: 'done', result: output?.result ?? null });
  }
  if (found.state === 'failed' || found.state === 'cancelled') {
    const why = found.state === 'cancelled' ? 'cancelled' : reasonOf(row, output);
    Object.assign(job, { status: 'failed', reason: `${why}; gave up after ${job.attempts} attempts` });
  }
  if (found.completedOn && (job.status === 'done' || job.status === 'failed')) {
    job.finishedAt = new Date(found.completedOn).toISOString();
  }
  return job;
}
