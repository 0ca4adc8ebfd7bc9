/** The `buff` command as a function: returns the exit code. */
export { main } from './main.js';
export { ExitCode } from './exit-codes.js';
export { resolveRoot } from './roots.js';
export type { ResolvedRoot } from './roots.js';
