// The one definition of the size from which a CSV is parsed on two threads. Imports nothing: the
// `buff` bin reads it (its own small build file) to start the parse worker before it loads the bundle.

/** Files at least this large are parsed on two threads (below, the worker's start-up costs more than it saves). */
export const PARALLEL_PARSE_BYTES = 24 * 2 ** 20;
