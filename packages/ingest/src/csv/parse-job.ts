import type { ErrorCode, TimestampFormat } from '@buff/core';
import type { SharedColumns } from './column-buffers.js';
import type { StepStats } from '../rules/each-row.js';
import type { AmbiguousTime } from '../time/zone-converter.js';
import type { RulePlace } from '../rules/rule-error.js';

/** What the main thread asks a parse worker to parse: one range of lines, header already known. */
export interface ParseJob {
  path: string;
  /** The file name used in messages. */
  file: string;
  start: number;
  end: number;
  names: string[];
  slots: Int8Array;
  /**
   * Where the worker writes its rows: from index `first` of these shared columns, below `end`
   * (beyond, it grows into columns of its own).
   */
  columns: SharedColumns & { end: number };
  /** One block of a streamed read: the worker stays a parse worker for the next block (it never turns hash worker). */
  stream?: boolean | undefined;
  timestampFormat: TimestampFormat;
  timezone: string | undefined;
  ambiguous: AmbiguousTime | undefined;
  /** The timestamp format code of the file's first row (every row must share it); -1 when unknown. */
  fileFormat: number;
  chunkBytes: number | undefined;
  /** Run the per-row rules on the worker's rows after the first (main checks the first, against its last). */
  rowRules: { timeframeMs: number; allowGaps: boolean } | undefined;
}

/** A rule failure as plain data; `place.line` counts from the range's first line (1). */
export interface RuleFailureRecord {
  code: ErrorCode;
  place: RulePlace;
  value: string;
  reason: string;
}

/**
 * The worker's answer: its rows [first, first + rows) of its columns (in shared memory; `inPlace`:
 * the job's own columns; `int64` filled), a rule failure, or a crash.
 */
export type ParseReply =
  | {
      kind: 'rows';
      first: number;
      rows: number;
      inPlace: boolean;
      lines: number;
      ts: Float64Array;
      values: Float64Array[];
      int64: BigInt64Array;
      rowCheck?: RowCheckReply;
    }
  | { kind: 'failure'; failure: RuleFailureRecord }
  | { kind: 'crash'; message: string };

/** The per-row rules over the worker's rows 1..: the smallest step (row index local), or the first failure (line local). */
export type RowCheckReply = { steps: StepStats } | { failure: RuleFailureRecord };
