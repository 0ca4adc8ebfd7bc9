// The parse worker's entry (its own tsup entry, dist/parse-worker.js): parses one byte range of a
// CSV, the second part of a large file, while the main thread parses the first. It loads no
// @buff/core before its job is done (the worker starts faster); rule failures travel back as plain
// records. Afterwards it may serve as the hash worker.
import { closeSync, openSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { RuleFailure, RulePlace } from '../rules/rule-error.js';
import { ColumnBuffers } from './column-buffers.js';
import { CsvLineParser } from './line-parser.js';
import { createTimestampParser } from '../time/parse-timestamp.js';
import { parseFileRange } from './parse-range.js';
import type { Bars } from '@buff/core';
import type { HashRequest } from '@buff/core/io';
import { checkEachRow } from '../rules/each-row.js';
import type { ParseJob, ParseReply, RowCheckReply, RuleFailureRecord } from './parse-job.js';

class RangeFailure extends Error {
  constructor(readonly record: RuleFailureRecord) {
    super(record.reason);
  }
}

const fail: RuleFailure = (code, place: RulePlace, value, reason) => new RangeFailure({ code, place, value, reason });

/** The per-row rules over rows 1.. of this range (row 0 is checked by the main thread, against its last row). */
function checkOwnRows(bars: Bars, file: string, rules: NonNullable<ParseJob['rowRules']>): RowCheckReply {
  try {
    const placeOf = (index: number, column?: string): RulePlace => ({
      file,
      line: index + 1,
      ...(column === undefined ? {} : { column }),
    });
    return { steps: checkEachRow(bars, 1, bars.ts.length, { ...rules, placeOf, fail }) };
  } catch (err) {
    if (err instanceof RangeFailure) return { failure: err.record };
    throw err;
  }
}

async function parseJob(job: ParseJob): Promise<ParseReply> {
  const timestamps = await createTimestampParser({
    format: job.timestampFormat,
    timezone: job.timezone,
    ambiguous: job.ambiguous,
  });
  if (job.fileFormat >= 0) timestamps.setFileFormat(job.fileFormat);
  const parser = new CsvLineParser({ file: job.file, timestamps, fail, size: job.end - job.start });
  const { end, ...shared } = job.columns;
  parser.setHeader(job.names, job.slots, new ColumnBuffers(end, shared));
  const fd = openSync(job.path, 'r');
  try {
    parseFileRange(fd, parser, { start: job.start, end: job.end, chunkBytes: job.chunkBytes });
  } finally {
    closeSync(fd);
  }
  const columns = parser.columns!;
  const ts = columns.ts;
  const values = columns.values;
  const rowCheck = job.rowRules === undefined ? undefined : checkOwnRows(columns.view(), job.file, job.rowRules);
  // The columns are in shared memory (the job's own unless they had to grow): the main thread reads them where they are.
  columns.fillInt64();
  const inPlace = ts === shared.ts;
  return {
    kind: 'rows',
    first: columns.first,
    rows: columns.rows,
    inPlace,
    lines: parser.line,
    ts,
    values,
    int64: columns.int64,
    ...(rowCheck === undefined ? {} : { rowCheck }),
  };
}

// Jobs are answered in order. A streamed read's blocks keep the worker parsing; after any other
// job it serves hash requests. That job's listener goes at once: with no listener the port queues
// what comes next (a hash request sent as soon as the reply arrives) until serveHashRequests
// listens, after its import of core; a listener left on would drop it (the main thread then waited
// forever: parse-worker-handover timed out under load).
let queue: Promise<void> = Promise.resolve();
const onJob = (job: ParseJob): void => {
  if (!job.stream) parentPort?.off('message', onJob);
  queue = queue.then(() => answerJob(job));
};
parentPort?.on('message', onJob);

function answerJob(job: ParseJob): Promise<void> {
  return parseJob(job).then(
    (reply) => {
      parentPort?.postMessage(reply);
      if (!job.stream) void serveHashRequests();
    },
    (err: unknown) => {
      const reply: ParseReply =
        err instanceof RangeFailure
          ? { kind: 'failure', failure: err.record }
          : { kind: 'crash', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
      parentPort?.postMessage(reply);
    },
  );
}

/**
 * After its parse job the worker may stay on as the process's hash worker (core's adoptHashWorker):
 * it then answers hash requests like core's own hash worker. Core is loaded only now, so the
 * worker starts parsing without it.
 */
async function serveHashRequests(): Promise<void> {
  const { answerHashRequest } = await import('@buff/core/io');
  parentPort?.on('message', (request: HashRequest) => parentPort?.postMessage(answerHashRequest(request)));
}
