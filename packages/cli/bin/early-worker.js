// A head start for `buff ingest csv` of a large file: the CSV parse worker is started before the
// bundle is even loaded, so that it boots (about 60-80 ms here) on the other core while this thread
// loads the code and reads the file's first row; @buff/ingest takes it (offerParseWorker). Only a
// guess from the arguments: when it is wrong the worker is never asked, and it does not keep the
// process alive. Any doubt (another command, no such file) starts nothing.
'use strict';
const { statSync } = require('node:fs');
const { Worker } = require('node:worker_threads');

/** @buff/ingest's PARALLEL_PARSE_BYTES, from its one definition (built as dist/parallel-threshold.cjs): smaller files are read on one thread. */
const { PARALLEL_PARSE_BYTES: EARLY_PARSE_BYTES } = require('../dist/parallel-threshold.cjs');

/** The worker for `argv` when it ingests a CSV of at least EARLY_PARSE_BYTES, else undefined. */
function startEarlyParseWorker(argv, bundle) {
  if (argv[0] !== 'ingest' || argv[1] !== 'csv') return undefined;
  const input = optionValue(argv, '--input');
  if (input === undefined) return undefined;
  try {
    if (statSync(input).size < EARLY_PARSE_BYTES) return undefined;
    return new Worker(new URL('./parse-worker.cjs', bundle));
  } catch {
    return undefined;
  }
}

function optionValue(argv, name) {
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i].startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

module.exports = { EARLY_PARSE_BYTES, startEarlyParseWorker };
