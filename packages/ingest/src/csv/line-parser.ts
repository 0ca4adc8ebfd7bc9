import { ColumnBuffers } from './column-buffers.js';
import { DecimalParser, NumberStatus, latin1, scanDecimalInto } from './parse-number.js';
import { type TimestampParser, TimestampStatus, timestampProblem } from '../time/parse-timestamp.js';
import type { RuleFailure, RulePlace } from '../rules/rule-error.js';
import { SOURCE_COLUMNS } from '../rules/source-columns.js';
import { parseUsualRows } from './usual-rows.js';

// This module imports nothing from @buff/core at run time: the parse worker loads it.

const LF = 10;
const CR = 13;
const COMMA = 44;
const QUOTE = 34;
/** How much of the first chunk sizes the columns. */
const SAMPLE_BYTES = 64 * 1024;

export interface LineParserOptions {
  /** The file name used in messages. */
  file: string;
  timestamps: TimestampParser;
  fail: RuleFailure;
  /** Size of the bytes this parser will see, to size its columns from the first chunk. */
  size: number;
  /** Maps the header's names to slots; absent when the header is given with `setHeader`. */
  mapHeader?: (names: string[]) => Int8Array;
  /** Called once, right after the first data row parsed. */
  onFirstRow?: () => void;
}

/**
 * The byte-level line parser: fed whole lines chunk by chunk, it parses fields straight into
 * Float64Array columns (no per-line strings). Checks the header, field counts, numbers and
 * timestamps; the row rules run afterwards on the columns (`checkRows`). Line numbers count from
 * the first line it sees (the header is line 1 when it parses the header).
 * @example const parser = new CsvLineParser({ file, timestamps, fail: ruleError, size, mapHeader }); parser.parseLines(buf, 0, n, true); parser.columns
 */
export class CsvLineParser {
  /** 1-based number of the line parsed last. */
  line = 0;
  names: string[] = [];
  /** Slot per field (set from the header); the columns once the header is known. */
  slots: Int8Array | undefined;
  columns: ColumnBuffers | undefined;
  private readonly numbers = new DecimalParser();
  private readonly file: string;
  private readonly fail: RuleFailure;
  private onFirstRow: (() => void) | undefined;

  constructor(private readonly options: LineParserOptions) {
    this.file = options.file;
    this.fail = options.fail;
    this.onFirstRow = options.onFirstRow;
  }

  /** Starts without a header line: the names and slots come from elsewhere (a parse worker), and the columns to fill. */
  setHeader(names: string[], slots: Int8Array, columns: ColumnBuffers): void {
    this.names = names;
    this.slots = slots;
    this.columns = columns;
  }

  /**
   * Parses the lines in buf[start, stop); all end in LF except, when `final`, the last, and then
   * buf[stop] must exist and hold a NUL (a sentinel for the number scanner).
   */
  parseLines(buf: Buffer, start: number, stop: number, final: boolean): void {
    let p = start;
    if (this.slots === undefined) p = this.parseHeader(buf, p, stop);
    const onFirstRow = this.onFirstRow;
    if (onFirstRow !== undefined && p < stop) {
      this.onFirstRow = undefined;
      let lf = buf.indexOf(LF, p);
      lf = lf < 0 || lf >= stop ? stop : lf + 1;
      this.parseRows(buf, p, lf, final && lf === stop);
      onFirstRow();
      p = lf;
    }
    this.parseRows(buf, p, stop, final);
  }

  private parseRows(buf: Buffer, start: number, stop: number, final: boolean): void {
    let p = start;
    const slots = this.slots as Int8Array;
    const cols = this.columns as ColumnBuffers;
    const numbers = this.numbers;
    const timestamps = this.options.timestamps;
    const fieldCount = slots.length;
    const lastField = fieldCount - 1;
    let line = this.line;
    let fastLength = timestamps.fastLength;
    if (final && p < stop) this.checkLastLine(buf, p, stop);
    const canonical = isCanonical(slots);
    while (p < stop) {
      if (canonical && fastLength > 0) {
        const before = cols.length;
        p = parseUsualRows(buf, p, stop, timestamps, cols);
        if (cols.length > before) {
          line += cols.length - before;
          continue;
        }
      }
      // A row the hot loop stopped at (anything unusual, or full columns): field by field.
      line++;
      if (cols.length === cols.capacity) cols.grow();
      const row = cols.length;
      const values = cols.values;
      for (let f = 0; f < fieldCount; f++) {
        const slot = slots[f] as number;
        let q: number;
        if (buf[p] === QUOTE && p < stop) {
          this.line = line;
          q = this.parseQuotedField(buf, p, stop, f, slot, row, final);
          if (slot === 0) fastLength = timestamps.fastLength;
        } else if (slot > 0) {
          const column = values[slot - 1] as Float64Array;
          q = p < stop ? scanDecimalInto(buf, p, column, row) : -1;
          let ok = q >= 0;
          if (!ok) {
            column[row] = numbers.scan(buf, p, stop);
            q = numbers.end;
            ok = numbers.status === NumberStatus.OK;
          }
          let next = q < stop ? (buf[q] as number) : LF;
          if (next === CR && (q + 1 === stop || buf[q + 1] === LF)) {
            next = LF;
            q++;
          }
          if (!ok || (next !== COMMA && next !== LF)) {
            this.line = line;
            if (p >= stop || buf[p] === LF || buf[p] === CR)
              throw this.fieldCountError(buf, p, p, stop, f, false, final);
            throw this.numberError(buf, p, stop, slot);
          }
          if ((f === lastField) === (next === COMMA)) {
            this.line = line;
            throw this.fieldCountError(buf, p, q, stop, f, next === COMMA, final);
          }
        } else if (
          slot === 0 &&
          f !== lastField &&
          p + fastLength < stop &&
          buf[p + fastLength] === COMMA &&
          timestamps.parseFastInto(buf, p, cols.ts, row)
        ) {
          q = p + fastLength; // the file's usual layout, checked byte by byte
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
            // a CR ends the line only before its LF: anywhere else it is a byte of the field (refused)
            const end = !atComma && q > p && buf[q - 1] === CR ? q - 1 : q;
            const ms = timestamps.parse(buf, p, end);
            if (timestamps.status !== TimestampStatus.OK) {
              const problem = timestampProblem(timestamps);
              throw this.fail(
                problem.code,
                { file: this.file, line, column: this.names[f]?.trim() ?? 'timestamp' },
                latin1(buf, p, end),
                problem.reason,
              );
            }
            cols.ts[row] = ms;
            fastLength = timestamps.fastLength;
          }
        }
        p = q + 1;
      }
      cols.length = row + 1;
    }
    this.line = line;
  }

  /** The error for a line longer than the reader's buffer allows. */
  longLineError(buf: Buffer): Error {
    return this.fail(
      'BAD_ROW',
      { file: this.file, line: this.line + 1 },
      latin1(buf, 0, 80),
      'line is longer than 64 MiB',
    );
  }

  private parseHeader(buf: Buffer, start: number, stop: number): number {
    let lf = buf.indexOf(LF, start);
    if (lf < 0 || lf >= stop) lf = stop;
    const header = latin1(buf, start, lf)
      .replace(/^\u00EF\u00BB\u00BF/, '')
      .replace(/\r$/, '');
    this.line = 1;
    if (header === '') {
      const nothing = lf + 1 >= stop;
      throw this.fail(
        'EMPTY_FILE',
        { file: this.file, line: 1 },
        '',
        nothing ? 'file holds no header and no rows' : 'the first line (the header) is empty',
      );
    }
    const names = splitHeader(header, (reason) => this.fail('BAD_ROW', { file: this.file, line: 1 }, header, reason));
    const slots = (this.options.mapHeader as (names: string[]) => Int8Array)(names);
    // Size the columns from the mean length of the lines in the next 64 KiB; they grow if it was short.
    const sample = Math.min(stop, lf + 1 + SAMPLE_BYTES);
    let lines = 0;
    let lastLf = lf;
    for (let at = buf.indexOf(LF, lf + 1); at >= 0 && at < sample; at = buf.indexOf(LF, at + 1)) {
      lines++;
      lastLf = at;
    }
    const lineBytes = lines > 0 ? (lastLf - lf) / lines : Math.max(stop - lf - 1, 16);
    this.setHeader(names, slots, new ColumnBuffers(Math.ceil((this.options.size / lineBytes) * 1.05) + 16));
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

  /**
   * An RFC 4180 quoted field at `p` (`"..."`, a quote inside written `""`), kept out of the hot
   * loop: parses what the quotes hold as the field's number or timestamp and returns the position
   * of the comma or LF after it. A quoted field spanning lines is refused (rows are single lines).
   */
  private parseQuotedField(
    buf: Buffer,
    p: number,
    stop: number,
    f: number,
    slot: number,
    row: number,
    final: boolean,
  ): number {
    let close = p + 1;
    let escaped = false;
    for (;;) {
      while (close < stop && buf[close] !== QUOTE && buf[close] !== LF) close++;
      if (close >= stop || buf[close] === LF) {
        const place = { file: this.file, line: this.line };
        const text = latin1(buf, p, close);
        if (final && close >= stop) return this.throwTruncated(place, text);
        throw this.fail('BAD_ROW', place, text, 'a quoted field does not end on its line');
      }
      if (buf[close + 1] !== QUOTE) break;
      escaped = true;
      close += 2;
    }
    let q = close + 1;
    if (buf[q] === CR && (q + 1 === stop || buf[q + 1] === LF)) q++;
    const next = q < stop ? buf[q] : LF;
    if (next !== COMMA && next !== LF)
      throw this.fail(
        'BAD_ROW',
        { file: this.file, line: this.line },
        latin1(buf, p, q + 1),
        'text after a closing quote',
      );
    const atComma = next === COMMA;
    if ((f === this.names.length - 1) === atComma) throw this.fieldCountError(buf, p, q, stop, f, atComma, final);
    if (slot < 0) return q;
    const column = (this.columns as ColumnBuffers).values;
    const place = { file: this.file, line: this.line };
    if (slot > 0) {
      const value = this.numbers.parse(buf, p + 1, close);
      if (escaped || this.numbers.status !== NumberStatus.OK) throw this.numberError(buf, p + 1, close, slot);
      (column[slot - 1] as Float64Array)[row] = value;
      return q;
    }
    const timestamps = this.options.timestamps;
    const ms = escaped ? Number.NaN : timestamps.parse(buf, p + 1, close);
    if (escaped || timestamps.status !== TimestampStatus.OK) {
      const problem = escaped
        ? { code: 'BAD_TIMESTAMP' as const, reason: 'not a timestamp' }
        : timestampProblem(timestamps);
      throw this.fail(
        problem.code,
        { ...place, column: this.names[f]?.trim() ?? 'timestamp' },
        latin1(buf, p + 1, close),
        problem.reason,
      );
    }
    (this.columns as ColumnBuffers).ts[row] = ms;
    return q;
  }

  private throwTruncated(place: RulePlace, text: string): never {
    throw this.fail('TRUNCATED_LINE', place, text, 'last line is cut off inside a quoted field');
  }

  private numberError(buf: Buffer, p: number, stop: number, slot: number): Error {
    let q = p;
    while (q < stop && buf[q] !== COMMA && buf[q] !== LF) q++;
    const end = q > p && buf[q - 1] === CR ? q - 1 : q;
    this.numbers.parse(buf, p, end);
    const nonFinite = this.numbers.status === NumberStatus.NON_FINITE;
    return this.fail(
      nonFinite ? 'NON_FINITE_NUMBER' : 'BAD_NUMBER',
      { file: this.file, line: this.line, column: SOURCE_COLUMNS[slot] as string },
      latin1(buf, p, end),
      nonFinite ? 'number is not finite' : 'not a decimal number',
    );
  }

  private fieldCountError(
    buf: Buffer,
    p: number,
    q: number,
    stop: number,
    f: number,
    atComma: boolean,
    final: boolean,
  ): Error {
    const fieldCount = this.names.length;
    let lineEnd = q;
    while (lineEnd < stop && buf[lineEnd] !== LF) lineEnd++;
    let lineStart = p;
    while (lineStart > 0 && buf[lineStart - 1] !== LF) lineStart--;
    const text = latin1(buf, lineStart, lineEnd).replace(/\r$/, '');
    const place = { file: this.file, line: this.line };
    if (atComma) return this.fail('BAD_ROW', place, text, `more fields than the header's ${fieldCount}`);
    if (final && lineEnd >= stop) {
      return this.fail(
        'TRUNCATED_LINE',
        place,
        text,
        `last line is cut off: ${f + 1} of ${fieldCount} fields and no final newline`,
      );
    }
    const reason = text === '' ? 'empty line' : `${f + 1} of ${fieldCount} fields (header: ${this.names.join(',')})`;
    return this.fail('BAD_ROW', place, text, reason);
  }
}

/**
 * The names of a header line: split at commas, RFC 4180 quotes removed (`""` is a quote); a
 * quote left open, or text after a closing quote, is refused through `refuse`.
 */
export function splitHeader(header: string, refuse: (reason: string) => Error): string[] {
  if (!header.includes('"')) return header.split(',');
  const names: string[] = [];
  let i = 0;
  for (;;) {
    let name = '';
    if (header[i] === '"') {
      i++;
      for (;;) {
        const quote = header.indexOf('"', i);
        if (quote < 0) throw refuse('a quoted header name has no closing quote');
        name += header.slice(i, quote);
        i = quote + 1;
        if (header[i] !== '"') break;
        name += '"';
        i++;
      }
      if (i < header.length && header[i] !== ',') throw refuse('text after a closing quote in the header');
    } else {
      const comma = header.indexOf(',', i);
      name = header.slice(i, comma < 0 ? header.length : comma);
      i = comma < 0 ? header.length : comma;
    }
    names.push(name);
    if (i >= header.length) return names;
    i++; // the comma
  }
}

/** Whether the header is exactly timestamp, open, high, low, close, volume (slots 0-5 in order). */
function isCanonical(slots: Int8Array): boolean {
  return slots.length === 6 && slots.every((slot, index) => slot === index);
}
