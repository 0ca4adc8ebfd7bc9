/** The `buff` command as a function: returns the exit code. */
export { main } from './main.js';
export { ExitCode } from './exit-codes.js';
export { resolveRoot } from './roots.js';
export type { ResolvedRoot } from './roots.js';
/** For bin/buff.js: a parse worker it started before loading the bundle (see bin/early-worker.js). */
export { offerParseWorker } from '@buff/ingest/workers';
