import { z } from 'zod';

/** What a job does; a worker has one handler per kind. */
export const JobKindSchema = z.enum(['ingest', 'build', 'train', 'sweep-cell']);
export type JobKind = z.infer<typeof JobKindSchema>;

/**
 * Where a job is. `interrupted`: its worker stopped without finishing (crash, SIGKILL, hand-back);
 * it is waiting to be retried, `reason` says what happened.
 */
export const JobStatusSchema = z.enum(['queued', 'running', 'done', 'failed', 'interrupted']);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** Plain JSON (a job's payload and result cross processes and machines; no closures). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().refine(Number.isFinite, 'a finite number'),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

/** How far a running job got: a step name and, when known, done of total. */
export const JobProgressSchema = z
  .object({
    step: z.string(),
    done: z.number().int().min(0).optional(),
    total: z.number().int().min(0).optional(),
  })
  .strict();
export type JobProgress = z.infer<typeof JobProgressSchema>;

/** What `submit` takes. */
export const JobInputSchema = z
  .object({
    kind: JobKindSchema,
    payload: JsonValueSchema,
    /** Attempts before an interrupted job is given up as failed. */
    maxAttempts: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type JobInput = z.input<typeof JobInputSchema>;

/** A job as every driver reports it. Timestamps are ISO-8601 UTC. */
export const JobSchema = z
  .object({
    id: z.string(),
    kind: JobKindSchema,
    payload: JsonValueSchema,
    status: JobStatusSchema,
    progress: JobProgressSchema,
    /** Attempts started so far (0 while queued the first time). */
    attempts: z.number().int().min(0),
    maxAttempts: z.number().int().min(1),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    updatedAt: z.string(),
    finishedAt: z.string().optional(),
    /** The worker holding the job (running) or that last held it. */
    worker: z.string().optional(),
    result: JsonValueSchema.optional(),
    /** Why a job failed or was interrupted. */
    reason: z.string().optional(),
  })
  .strict();
export type Job = z.infer<typeof JobSchema>;

/** A job a worker claimed: `attempt` fences its later calls (a stale attempt changes nothing). */
export interface ClaimedJob {
  job: Job;
  attempt: number;
}
