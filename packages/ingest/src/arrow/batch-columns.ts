import { DataType, TimeUnit, type Data, type RecordBatch, type Schema, type Vector } from 'apache-arrow';
import type { Bars, IngestOptions } from '@buff/core';
import { IGNORED, SOURCE_COLUMNS, TIMESTAMP_ALIASES, mapColumns } from '../rules/column-mapping.js';
import { ruleError } from '../rules/rule-error.js';
import {
  AMBIGUOUS_REASON,
  MAX_TIMESTAMP_MS,
  MIN_TIMESTAMP_MS,
  createTimestampParser,
  timestampProblem,
  TimestampStatus,
} from '../time/parse-timestamp.js';
import { AMBIGUOUS, createZoneConverter } from '../time/zone-converter.js';

/** Copies one column of a record batch into a bars column; `base`: the batch's first row in the file (0-based). */
type ColumnFill = (vector: Vector, target: Float64Array, base: number) => void;

/** How each source column of an Arrow schema fills the bars: its index, the bars column and the filler. */
export type BatchFills = Array<{ index: number; key: keyof Bars; fill: ColumnFill }>;

const UNIT_MS: Record<number, bigint> = { [TimeUnit.MICROSECOND]: 1000n, [TimeUnit.NANOSECOND]: 1_000_000n };

/**
 * Maps an Arrow schema's columns to the bars (column rules, aliases, `columnMap`) and checks their
 * types once, so every record batch is then copied with no further set-up. Errors name the file,
 * the column and row 1.
 * @example const fills = await batchFills(batch.schema, 'pairs.feather', options); fillBars(fills, batch, bars, 0);
 */
export async function batchFills(schema: Schema, file: string, options: IngestOptions): Promise<BatchFills> {
  const names = schema.fields.map((field) => field.name);
  const slots = mapColumns(names, { file, columnMap: options.columnMap, aliases: TIMESTAMP_ALIASES });
  const fills: BatchFills = [];
  for (const [index, field] of schema.fields.entries()) {
    const slot = slots[index] as number;
    if (slot === IGNORED) continue;
    const key = (slot === 0 ? 'ts' : SOURCE_COLUMNS[slot]) as keyof Bars;
    const fill =
      slot === 0 ? await timestampFill(field.type, file, field.name, options) : valueFill(field.type, file, field.name);
    fills.push({ index, key, fill });
  }
  return fills;
}

/** Copies a record batch's columns into `bars` (as many rows as the batch); `base` as for ColumnFill. */
export function fillBars(fills: BatchFills, batch: RecordBatch, bars: Bars, base: number): void {
  for (const { index, key, fill } of fills) fill(batch.getChildAt(index) as Vector, bars[key], base);
}

/** Visits each chunk of a vector with its 0-based row index within the vector. */
function forEachChunk(vector: Vector, visit: (chunk: Data, first: number) => void): void {
  let first = 0;
  for (const chunk of vector.data) {
    visit(chunk, first);
    first += chunk.length;
  }
}

function checkNulls(
  chunk: Data,
  row0: number,
  file: string,
  column: string,
  code: 'BAD_NUMBER' | 'BAD_TIMESTAMP',
): void {
  if (chunk.nullCount === 0) return;
  for (let i = 0; i < chunk.length; i++) {
    if (!chunk.getValid(i))
      throw ruleError(code, { file, row: row0 + i + 1, column }, 'null', 'value is missing (null)');
  }
}

function valueFill(type: DataType, file: string, column: string): ColumnFill {
  if (!(DataType.isFloat(type) || DataType.isInt(type))) {
    throw ruleError('BAD_NUMBER', { file, row: 1, column }, String(type), 'column type is not a number type');
  }
  return (vector, target, base) =>
    forEachChunk(vector, (chunk, first) => {
      checkNulls(chunk, base + first, file, column, 'BAD_NUMBER');
      const values = chunk.values as ArrayLike<number | bigint>;
      for (let i = 0; i < chunk.length; i++) target[first + i] = Number(values[i]);
    });
}

async function timestampFill(
  type: DataType,
  file: string,
  column: string,
  options: IngestOptions,
): Promise<ColumnFill> {
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return textTimestampFill(file, column, options);
  const place = (row: number): { file: string; row: number; column: string } => ({ file, row, column });
  const isTimestamp = DataType.isTimestamp(type) || DataType.isDate(type);
  if (!isTimestamp && !DataType.isInt(type)) {
    throw ruleError(
      'BAD_TIMESTAMP',
      place(1),
      String(type),
      'time column must be a Timestamp, Date, integer epoch or ISO string',
    );
  }
  if (!isTimestamp && options.timestampFormat === 'iso') {
    throw ruleError('BAD_TIMESTAMP', place(1), String(type), 'integer times need timestampFormat epoch-s or epoch-ms');
  }
  const naive = isTimestamp && !(DataType.isTimestamp(type) && type.timezone);
  if (naive && options.timezone === undefined) {
    throw ruleError(
      'TIMESTAMP_NO_ZONE',
      place(1),
      String(type),
      'the time column has no zone; declare it with timezone / --timezone',
    );
  }
  const zone = naive ? await createZoneConverter(options.timezone as string, options.ambiguous) : undefined;
  const toMs = timeConverter(type, options);
  const utcOf = (value: number | bigint, row: number): number => {
    const ms = toMs(value);
    if (Number.isNaN(ms))
      throw ruleError('BAD_TIMESTAMP', place(row), String(value), 'time is not a whole millisecond');
    const utc = zone === undefined ? ms : zone.wallToUtc(ms);
    if (utc === AMBIGUOUS) throw ruleError('BAD_TIMESTAMP', place(row), String(value), AMBIGUOUS_REASON);
    if (Number.isNaN(utc))
      throw ruleError('BAD_TIMESTAMP', place(row), String(value), 'local time does not exist in the declared zone');
    if (!(utc >= MIN_TIMESTAMP_MS && utc <= MAX_TIMESTAMP_MS))
      throw ruleError('BAD_TIMESTAMP', place(row), String(value), 'time is outside the years 0000-9999');
    return utc;
  };
  return (vector, target, base) =>
    forEachChunk(vector, (chunk, first) => {
      checkNulls(chunk, base + first, file, column, 'BAD_TIMESTAMP');
      // Date32 stores days in one int32 per row; everything else one value per row.
      const values = chunk.values as ArrayLike<number | bigint>;
      for (let i = 0; i < chunk.length; i++)
        target[first + i] = utcOf(values[i] as number | bigint, base + first + i + 1);
    });
}

/** ISO (or declared-format) text timestamps, parsed by the CSV reader's timestamp parser. */
async function textTimestampFill(file: string, column: string, options: IngestOptions): Promise<ColumnFill> {
  const parser = await createTimestampParser({
    format: options.timestampFormat,
    timezone: options.timezone,
    ambiguous: options.ambiguous,
  });
  return (vector, target, base) =>
    forEachChunk(vector, (chunk, first) => {
      checkNulls(chunk, base + first, file, column, 'BAD_TIMESTAMP');
      const offsets = chunk.valueOffsets as ArrayLike<number | bigint>;
      const bytes = chunk.values as Uint8Array;
      for (let i = 0; i < chunk.length; i++) {
        const start = Number(offsets[i]);
        const end = Number(offsets[i + 1]);
        target[first + i] = parser.parse(bytes, start, end);
        if (parser.status !== TimestampStatus.OK) {
          const problem = timestampProblem(parser);
          const text = Buffer.from(bytes.subarray(start, end)).toString('utf8');
          throw ruleError(problem.code, { file, row: base + first + i + 1, column }, text, problem.reason);
        }
      }
    });
}

/** A function from one stored time value to epoch ms (NaN when not a whole ms). */
function timeConverter(type: DataType, options: IngestOptions): (value: number | bigint) => number {
  if (DataType.isTimestamp(type)) {
    if (type.unit === TimeUnit.SECOND) return (v) => Number(v) * 1000;
    if (type.unit === TimeUnit.MILLISECOND) return (v) => Number(v);
    const divisor = UNIT_MS[type.unit] as bigint;
    return (v) => {
      const big = BigInt(v);
      return big % divisor === 0n ? Number(big / divisor) : Number.NaN;
    };
  }
  if (DataType.isDate(type)) return type.unit === 0 ? (v) => Number(v) * 86_400_000 : (v) => Number(v);
  return options.timestampFormat === 'epoch-s' ? (v) => Number(v) * 1000 : (v) => Number(v);
}
