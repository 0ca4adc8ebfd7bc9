/** The router others mount, and a plain server around it (`buff serve`, `npm run demo`). */
export { createBuffRouter } from './create-router.js';
export type { BuffRouter } from './create-router.js';
export { startServer } from './start-server.js';
export type { RunningServer } from './start-server.js';

/** Options and limits (safe defaults; BUFF_* environment overrides). */
export { ServerLimitsSchema, envFlag, limitsFromEnv } from './options.js';
export type { BuffRouterOptions, ServerLimits, ServerLimitsInput } from './options.js';

/** The one error-code-to-HTTP-status table and the JSON error body. */
export { ERROR_STATUS, errorResponse } from './error-status.js';
export type { ErrorBody } from './error-status.js';

/** Background jobs (as GET /api/jobs/:id reports them). */
export type { Job, JobStatus } from './job-queue.js';
/** The `build` job (run config + optional upload): the server's jobs and `buff worker` run it. */
export { buildJobHandler, BuildJobPayloadSchema } from './jobs/build-job.js';
export type { BuildJobPayload, BuildJobDeps } from './jobs/build-job.js';
