import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { BuffError, type Bars } from '@buff/core';
import { IGNORED, SOURCE_COLUMNS, mapColumns } from './column-mapping.js';
import { DecimalParser, NumberStatus, latin1 } from './parse-number.js';
import { type TimestampParser, TimestampStatus, timestampProblem } from './parse-timestamp.js';
import { ColumnBuffers } from './column-buffers.js';
import { ruleError } from './rule-error.js';
import { createSourceHash, type SourceHash } from './source-hash.js';

const CHUNK_BYTES = 4 * 2 ** 20;
const MAX_LINE_BYTES = 64 * 2 ** 20;
const LF = 10;
const CR = 13;
const COMMA = 44;

export interface ReadCsvOptions {
  /** The file name used in messages. */
  file: string;
  columnMap?: Record<string, string | null>;
  timestamps: TimestampParser;
  /** Read size; tests use tiny chunks to exercise lines split across reads. */
  chunkBytes?: number;
}

export interface CsvColumns {
  bars: Bars;
  /** sha256 of the file's bytes, hashed while reading. */
  sha256: string;
  /** Number of columns in the header. */
  sourceColumns: number;
}

/**
 * Reads a CSV file in fixed-size chunks and parses its bytes straight into Float64Array
 * columns: no per-line strings, memory bounded by the columns plus one chunk. Checks the
 * header, field counts, numbers and timestamps (the per-field rules); the row rules run
 * afterwards on the columns (`checkRows`).
 * @example const { bars, sha256 } = await readCsvColumns('btc.csv', { file: 'btc.csv', timestamps: await createTimestampParser({ format: 'iso' }) });
 */
export async function readCsvColumns(path: string, options: ReadCsvOptions): Promise<CsvColumns> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new BuffError('NOT_FOUND', `cannot open ${options.file}: ${(err as Error).message}`, { cause: err, details: { file: options.file } });
  }
  let hash: SourceHash | undefined;
  try {
    const size = fstatSync(fd).size;
    const reader = new CsvLineParser(options, size);
    hash = createSourceHash(path);
    let buf = Buffer.allocUnsafe(Math.max(options.chunkBytes ?? CHUNK_BYTES, 16));
    let carry = 0; // bytes of an unfinished line kept at the start of buf
    for (;;) {
      if (carry === buf.length) {
        if (buf.length >= MAX_LINE_BYTES) throw ruleError('BAD_ROW', { file: options.file, line: reader.line + 1 }, latin1(buf, 0, 80), 'line is longer than 64 MiB');
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const read = readSync(fd, buf, carry, buf.length - carry, null);
      if (read > 0) hash.update(buf.subarray(carry, carry + read));
      const end = carry + read;
      if (read === 0) {
        if (end > 0) reader.parseLines(buf, 0, end, true);
        break;
      }
      const lastLf = buf.lastIndexOf(LF, end - 1);
      if (lastLf < 0) {
        carry = end;
        continue;
      }
      reader.parseLines(buf, 0, lastLf + 1, false);
      carry = end - lastLf - 1;
      buf.copy(buf, 0, lastLf + 1, end);
    }
    const bars = reader.finish();
    closeSync(fd);
    fd = -1;
    return { bars, sha256: await hash.digest(), sourceColumns: reader.names.length };
  } catch (err) {
    hash?.abort();
    throw err;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** The byte-level line parser: one per file, fed whole lines chunk by chunk. */
class CsvLineParser {
  /** 1-based number of the line parsed last (the header is line 1). */
  line = 0;
  names: string[] = [];
  private slots: Int8Array | undefined;
  private columns: ColumnBuffers | undefined;
  private readonly numbers = new DecimalParser();
  private readonly file: string;

  constructor(
    private readonly options: ReadCsvOptions,
    private readonly size: number,
  ) {
    this.file = options.file;
  }

  /** Parses the lines in buf[start, stop); all end in LF except, when `final`, the last. */
  parseLines(buf: Buffer, start: number, stop: number, final: boolean): void {
    let p = start;
    if (this.slots === undefined) p = this.parseHeader(buf, p, stop);
    const slots = this.slots as Int8Array;
    const cols = this.columns as ColumnBuffers;
    const numbers = this.numbers;
    const timestamps = this.options.timestamps;
    const fieldCount = slots.length;
    const lastField = fieldCount - 1;
    let line = this.line;
    if (final && p < stop) this.checkLastLine(buf, p, stop);
    while (p < stop) {
      line++;
      const row = cols.length;
      if (row === cols.capacity) cols.grow();
      const values = cols.values;
      for (let f = 0; f < fieldCount; f++) {
        const slot = slots[f] as number;
        let q: number;
        if (slot > 0) {
          const value = numbers.scan(buf, p, stop);
          q = numbers.end;
          let next = q < stop ? (buf[q] as number) : LF;
          if (next === CR && (q + 1 === stop || buf[q + 1] === LF)) {
            next = LF;
            q++;
          }
          if (numbers.status !== NumberStatus.OK || (next !== COMMA && next !== LF)) {
            this.line = line;
            if (p >= stop || buf[p] === LF || buf[p] === CR) throw this.fieldCountError(buf, p, p, stop, f, false, final);
            throw this.numberError(buf, p, stop, slot);
          }
          if ((f === lastField) === (next === COMMA)) {
            this.line = line;
            throw this.fieldCountError(buf, p, q, stop, f, next === COMMA, final);
          }
          (values[slot - 1] as Float64Array)[row] = value;
        } else {
          q = p;
          let byte = 0;
          while (q < stop && (byte = buf[q] as number) !== COMMA && byte !== LF) q++;
          const atComma = q < stop && byte === COMMA;
          if ((f === lastField) === atComma) {
            this.line = line;
            throw this.fieldCountError(buf, p, q, stop, f, atComma, final);
          }
          if (slot === 0) {
            const end = q > p && buf[q - 1] === CR ? q - 1 : q;
            const ms = timestamps.parse(buf, p, end);
            if (timestamps.status !== TimestampStatus.OK) {
              const problem = timestampProblem(timestamps);
              throw ruleError(problem.code, { file: this.file, line, column: this.names[f]?.trim() ?? 'timestamp' }, latin1(buf, p, end), problem.reason);
            }
            cols.ts[row] = ms;
          }
        }
        p = q + 1;
      }
      cols.length = row + 1;
    }
    this.line = line;
  }

  finish(): Bars {
    const cols = this.columns;
    if (cols === undefined || cols.length === 0) {
      const empty = this.size === 0;
      throw ruleError('EMPTY_FILE', { file: this.file, line: Math.max(this.line, 1) }, empty ? '' : this.names.join(','), empty ? 'file is empty' : 'file has a header but no rows');
    }
    return cols.toBars();
  }

  private parseHeader(buf: Buffer, start: number, stop: number): number {
    let lf = buf.indexOf(LF, start);
    if (lf < 0 || lf >= stop) lf = stop;
    const header = latin1(buf, start, lf).replace(/^\u00EF\u00BB\u00BF/, '').replace(/\r$/, '');
    this.names = header.split(',');
    this.line = 1;
    this.slots = mapColumns(this.names, { file: this.file, line: 1, columnMap: this.options.columnMap ?? {} });
    // Size the columns from the mean line length of this first chunk; they grow if it was short.
    let lines = 0;
    for (let at = buf.indexOf(LF, lf + 1); at >= 0 && at < stop; at = buf.indexOf(LF, at + 1)) lines++;
    const lineBytes = lines > 0 ? (stop - lf - 1) / lines : Math.max(stop - lf - 1, 16);
    this.columns = new ColumnBuffers(Math.ceil((this.size / lineBytes) * 1.05) + 16);
    return lf + 1;
  }

  /** A last line without LF and with too few fields is a truncated write, whatever its fields hold. */
  private checkLastLine(buf: Buffer, p: number, stop: number): void {
    let commas = 0;
    for (let i = p; i < stop; i++) if (buf[i] === COMMA) commas++;
    if (commas < this.names.length - 1) {
      this.line++;
      throw this.fieldCountError(buf, p, stop, stop, commas, false, true);
    }
  }

  private numberError(buf: Buffer, p: number, stop: number, slot: number): BuffError {
    let q = p;
    while (q < stop && buf[q] !== COMMA && buf[q] !== LF) q++;
    const end = q > p && buf[q - 1] === CR ? q - 1 : q;
    this.numbers.parse(buf, p, end);
    const nonFinite = this.numbers.status === NumberStatus.NON_FINITE;
    return ruleError(
      nonFinite ? 'NON_FINITE_NUMBER' : 'BAD_NUMBER',
      { file: this.file, line: this.line, column: SOURCE_COLUMNS[slot] as string },
      latin1(buf, p, end),
      nonFinite ? 'number is not finite' : 'not a decimal number',
    );
  }

  private fieldCountError(buf: Buffer, p: number, q: number, stop: number, f: number, atComma: boolean, final: boolean): BuffError {
    const fieldCount = this.names.length;
    let lineEnd = q;
    while (lineEnd < stop && buf[lineEnd] !== LF) lineEnd++;
    let lineStart = p;
    while (lineStart > 0 && buf[lineStart - 1] !== LF) lineStart--;
    const text = latin1(buf, lineStart, lineEnd).replace(/\r$/, '');
    const place = { file: this.file, line: this.line };
    if (atComma) return ruleError('BAD_ROW', place, text, `more fields than the header's ${fieldCount}`);
    if (final && lineEnd >= stop) {
      return ruleError('TRUNCATED_LINE', place, text, `last line is cut off: ${f + 1} of ${fieldCount} fields and no final newline`);
    }
    const reason = text === '' ? 'empty line' : `${f + 1} of ${fieldCount} fields (header: ${this.names.join(',')})`;
    return ruleError('BAD_ROW', place, text, reason);
  }
}
