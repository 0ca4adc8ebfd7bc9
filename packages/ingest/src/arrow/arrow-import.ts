import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import {
  CompressionType,
  DataType,
  TimeUnit,
  compressionRegistry,
  tableFromIPC,
  type Data,
  type Table,
  type Vector,
} from 'apache-arrow';
import { decompress as zstdDecompress } from 'fzstd';
import { BuffError, allocateBars, timeframeMs, type IngestOptions, type IngestOptionsInput } from '@buff/core';
import { IGNORED, SOURCE_COLUMNS, TIMESTAMP_ALIASES, mapColumns } from '../rules/column-mapping.js';
import { parseIngestOptions } from '../rules/parse-options.js';
import {
  AMBIGUOUS_REASON,
  MAX_TIMESTAMP_MS,
  MIN_TIMESTAMP_MS,
  createTimestampParser,
  timestampProblem,
  TimestampStatus,
} from '../time/parse-timestamp.js';
import { AMBIGUOUS, createZoneConverter } from '../time/zone-converter.js';
import { checkRows } from '../rules/row-rules.js';
import { ruleError } from '../rules/rule-error.js';
import { storeIngest, type HeldIngestResult, type IngestTargets } from '../store/store-ingest.js';
import { buildQualityReport, spanOf } from '../rules/quality-report.js';

/** Options of {@link ingestArrow}: the ingest options plus where to write. */
export type IngestArrowOptions = IngestOptionsInput & IngestTargets;

const UNIT_MS: Record<number, bigint> = { [TimeUnit.MICROSECOND]: 1000n, [TimeUnit.NANOSECOND]: 1_000_000n };

/**
 * Registers LZ4_FRAME (lz4js) and ZSTD (fzstd) decoders in apache-arrow's `compressionRegistry`,
 * leaving codecs someone registered before untouched. Called by {@link ingestArrow}; never
 * as a side effect of importing this module.
 * @example registerArrowCodecs(); tableFromIPC(readFileSync('pairs.feather'));
 */
export function registerArrowCodecs(): void {
  if (compressionRegistry.get(CompressionType.LZ4_FRAME) === null) {
    const lz4 = createRequire(import.meta.url)('lz4js') as {
      decompress(src: Uint8Array, maxSize?: number): Uint8Array;
    };
    compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: (data) => lz4.decompress(data) });
  }
  if (compressionRegistry.get(CompressionType.ZSTD) === null) {
    compressionRegistry.set(CompressionType.ZSTD, { decode: (data) => zstdDecompress(data) });
  }
}

/**
 * Ingests an Arrow IPC file or stream, or a feather v2 file (uncompressed, LZ4 or ZSTD, as
 * pandas, pyarrow and freqtrade write them), through the same rules as CSV. freqtrade's `date`
 * column (Timestamp in s/ms/us/ns) is the candle time; a Timestamp without a zone needs
 * `timezone`, integer epochs need `timestampFormat`. Errors name the file and the 1-based row.
 * @example const { quality } = await ingestArrow('XRP_ETH-1m.feather', { symbol: 'XRP-ETH', allowGaps: true, dataRoot: 'data' });
 */
export async function ingestArrow(path: string, options: IngestArrowOptions): Promise<HeldIngestResult> {
  const { dataRoot, out, ...input } = options;
  const ingestOptions = parseIngestOptions(input);
  const bytes = readSource(path);
  const table = decodeArrow(bytes, path);
  if (table.numRows === 0) throw ruleError('EMPTY_FILE', { file: path }, '', 'the Arrow file holds no rows');
  const names = table.schema.fields.map((field) => field.name);
  const slots = mapColumns(names, { file: path, columnMap: ingestOptions.columnMap, aliases: TIMESTAMP_ALIASES });
  const bars = allocateBars(table.numRows);
  for (let index = 0; index < names.length; index++) {
    const slot = slots[index] as number;
    if (slot === IGNORED) continue;
    const vector = table.getChildAt(index) as Vector;
    if (slot === 0) await readTimestamps(vector, bars.ts, path, names[index] as string, ingestOptions);
    else readValues(vector, bars[SOURCE_COLUMNS[slot] as 'open'], path, names[index] as string);
  }
  const { gaps } = checkRows(bars, {
    timeframeMs: timeframeMs(ingestOptions.timeframe),
    allowGaps: ingestOptions.allowGaps,
    placeOf: (index, column) => ({ file: path, row: index + 1, ...(column === undefined ? {} : { column }) }),
  });
  const quality = buildQualityReport({
    symbol: ingestOptions.symbol,
    timeframe: ingestOptions.timeframe,
    source: basename(path),
    span: spanOf(bars),
    gaps,
    gapsAllowed: ingestOptions.allowGaps,
    kind: 'arrow',
    sourceColumns: names.length,
  });
  const sourceSha256 = createHash('sha256').update(bytes).digest('hex');
  return storeIngest(
    { bars, check: () => quality, sourceSha256 },
    ingestOptions,
    { kind: 'arrow', path },
    { dataRoot, out },
  );
}

function readSource(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new BuffError('NOT_FOUND', `cannot open ${path}: ${(err as Error).message}`, {
      cause: err,
      details: { file: path },
    });
  }
}

function decodeArrow(bytes: Uint8Array, file: string): Table {
  if (bytes.length === 0) throw ruleError('EMPTY_FILE', { file }, '', 'file is empty');
  if (bytes[0] === 0x46 && bytes[1] === 0x45 && bytes[2] === 0x41 && bytes[3] === 0x31) {
    throw new BuffError(
      'INVALID_INPUT',
      `${file} is a feather v1 file; write it as feather v2 (pandas >= 1.0, pyarrow's default)`,
      { details: { file } },
    );
  }
  registerArrowCodecs();
  try {
    const table = tableFromIPC(bytes);
    if (table.schema.fields.length === 0) throw new Error('no schema or columns found');
    return table;
  } catch (err) {
    throw new BuffError(
      'INVALID_INPUT',
      `${file} is not a readable Arrow IPC or feather v2 file: ${(err as Error).message}`,
      {
        cause: err,
        details: { file, rule: 'ARROW_FORMAT' },
      },
    );
  }
}

/** Visits every value of a vector, chunk by chunk, with its 0-based row index. */
function forEachChunk(vector: Vector, visit: (chunk: Data, first: number) => void): void {
  let first = 0;
  for (const chunk of vector.data) {
    visit(chunk, first);
    first += chunk.length;
  }
}

function checkNulls(
  chunk: Data,
  first: number,
  file: string,
  column: string,
  code: 'BAD_NUMBER' | 'BAD_TIMESTAMP',
): void {
  if (chunk.nullCount === 0) return;
  for (let i = 0; i < chunk.length; i++) {
    if (!chunk.getValid(i))
      throw ruleError(code, { file, row: first + i + 1, column }, 'null', 'value is missing (null)');
  }
}

function readValues(vector: Vector, target: Float64Array, file: string, column: string): void {
  const type = vector.type;
  if (!(DataType.isFloat(type) || DataType.isInt(type))) {
    throw ruleError('BAD_NUMBER', { file, row: 1, column }, String(type), 'column type is not a number type');
  }
  forEachChunk(vector, (chunk, first) => {
    checkNulls(chunk, first, file, column, 'BAD_NUMBER');
    const values = chunk.values as ArrayLike<number | bigint>;
    for (let i = 0; i < chunk.length; i++) target[first + i] = Number(values[i]);
  });
}

async function readTimestamps(
  vector: Vector,
  target: Float64Array,
  file: string,
  column: string,
  options: IngestOptions,
): Promise<void> {
  const type = vector.type;
  const place = (row: number): { file: string; row: number; column: string } => ({ file, row, column });
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) {
    const parser = await createTimestampParser({
      format: options.timestampFormat,
      timezone: options.timezone,
      ambiguous: options.ambiguous,
    });
    forEachChunk(vector, (chunk, first) => {
      checkNulls(chunk, first, file, column, 'BAD_TIMESTAMP');
      const offsets = chunk.valueOffsets as ArrayLike<number | bigint>;
      const bytes = chunk.values as Uint8Array;
      for (let i = 0; i < chunk.length; i++) {
        const start = Number(offsets[i]);
        const end = Number(offsets[i + 1]);
        target[first + i] = parser.parse(bytes, start, end);
        if (parser.status !== TimestampStatus.OK) {
          const problem = timestampProblem(parser);
          throw ruleError(
            problem.code,
            place(first + i + 1),
            Buffer.from(bytes.subarray(start, end)).toString('utf8'),
            problem.reason,
          );
        }
      }
    });
    return;
  }
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
  forEachChunk(vector, (chunk, first) => {
    checkNulls(chunk, first, file, column, 'BAD_TIMESTAMP');
    const values = chunk.values as ArrayLike<number | bigint>;
    // Date32 stores days in one int32 per row; everything else one value per row.
    for (let i = 0; i < chunk.length; i++) {
      const ms = toMs(values[i] as number | bigint);
      if (Number.isNaN(ms))
        throw ruleError('BAD_TIMESTAMP', place(first + i + 1), String(values[i]), 'time is not a whole millisecond');
      const utc = zone === undefined ? ms : zone.wallToUtc(ms);
      if (utc === AMBIGUOUS)
        throw ruleError('BAD_TIMESTAMP', place(first + i + 1), String(values[i]), AMBIGUOUS_REASON);
      if (Number.isNaN(utc))
        throw ruleError(
          'BAD_TIMESTAMP',
          place(first + i + 1),
          String(values[i]),
          'local time does not exist in the declared zone',
        );
      if (!(utc >= MIN_TIMESTAMP_MS && utc <= MAX_TIMESTAMP_MS))
        throw ruleError(
          'BAD_TIMESTAMP',
          place(first + i + 1),
          String(values[i]),
          'time is outside the years 0000-9999',
        );
      target[first + i] = utc;
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
