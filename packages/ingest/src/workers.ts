/**
 * `@buff/ingest/workers`: the CSV reader's speed machinery behind the public entry (DESIGN.md).
 * A host that starts the parse worker ahead of need (the `buff` bin does, for `ingest csv` of a
 * file of at least {@link PARALLEL_PARSE_BYTES}) hands it over with {@link offerParseWorker}.
 */
export { offerParseWorker } from './csv/parse-worker-client.js';
export { PARALLEL_PARSE_BYTES } from './csv/parallel-threshold.js';
