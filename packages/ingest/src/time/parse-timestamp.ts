import type { TimestampFormat } from '@buff/core';
import { DAY_MS, HOUR_MS, MINUTE_MS, daysFromCivil, daysInMonth } from './civil-time.js';
import { AMBIGUOUS, createZoneConverter, type AmbiguousTime, type ZoneConverter } from './zone-converter.js';

/** Why a timestamp was not accepted; `OK` when it was. */
export const TimestampStatus = {
  OK: 0,
  BAD: 1,
  NO_ZONE: 2,
  MIXED: 3,
  NONEXISTENT: 4,
  AMBIGUOUS: 5,
  SUB_MILLISECOND: 6,
  OUT_OF_RANGE: 7,
} as const;
export type TimestampStatus = (typeof TimestampStatus)[keyof typeof TimestampStatus];

// A format code packs the shape of one ISO timestamp; every row of a file must share it.
const SEP_SPACE = 1;
const HAS_SECONDS = 2;
const FRACTION_SHIFT = 2; // bits 2..5: number of fraction digits (0-9)
const ZONE_SHIFT = 6; // bits 6..8: ZoneKind
const DATE_ONLY = 1 << 9;
const EPOCH = 1 << 10;
const ZoneKind = { NONE: 0, Z: 1, COLON_OFFSET: 2, OFFSET: 3, HOUR_OFFSET: 4 } as const;

const UNSET = -1;
/** The instants Buff accepts: years 0000-9999 UTC, so that every stored time exports as ISO that ingest reads back. */
export const MIN_TIMESTAMP_MS = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
export const MAX_TIMESTAMP_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
/** Why a wall time that occurs twice was refused. */
export const AMBIGUOUS_REASON =
  'local time occurs twice in the declared zone (daylight-saving fall-back); declare which with ambiguous / --ambiguous earlier|later';

/**
 * Parses timestamps from bytes into UTC epoch ms, one instance per file: the first row fixes
 * the format, later rows in another format get `MIXED`. ISO with `Z` or an offset is always
 * accepted; naive ISO only with a declared IANA zone; epoch integers only when declared.
 * @example
 * const parser = await createTimestampParser({ format: 'iso' });
 * parser.parse(Buffer.from('2024-01-01T00:01:00Z'), 0, 20); // 1704067260000
 */
export class TimestampParser {
  status: TimestampStatus = TimestampStatus.OK;
  /** The format code of the first accepted row (UNSET before). */
  fileFormat = UNSET;
  /** The format code of the row parsed last. */
  rowFormat = UNSET;

  constructor(
    readonly format: TimestampFormat,
    private readonly zone: ZoneConverter | undefined,
    /** The declared IANA zone of naive timestamps, if any. */
    readonly timezone?: string,
    /** How a naive time that occurs twice in that zone resolves (refused when absent). */
    readonly ambiguous?: AmbiguousTime,
  ) {}

  /** Byte length of every timestamp of the file when {@link parseFastInto} applies to it, else 0. */
  fastLength = 0;

  /** Fixes the file's format (a parse worker gets the first row's format from the main thread). */
  setFileFormat(code: number): void {
    this.fileFormat = code;
    this.fastLength = fastLengthOf(code);
  }

  parse(bytes: Uint8Array, start: number, end: number): number {
    const ms = this.format === 'iso' ? this.parseIso(bytes, start, end) : this.parseEpoch(bytes, start, end);
    if (this.status !== TimestampStatus.OK) return Number.NaN;
    if (!(ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS)) {
      this.status = TimestampStatus.OUT_OF_RANGE;
      return Number.NaN;
    }
    if (this.fileFormat === UNSET) this.setFileFormat(this.rowFormat);
    else if (this.rowFormat !== this.fileFormat) {
      this.status = TimestampStatus.MIXED;
      return Number.NaN;
    }
    return ms;
  }

  /**
   * The hot-loop path for the file's own `...THH:MM[:SS[.fff]]Z` layout within the hour of the
   * row before: stores the ms at out[index] (no boxed result) and returns true. Returns false,
   * having stored nothing, for anything else; `parse` then decides, so the two always agree.
   */
  parseFastInto(b: Uint8Array, s: number, out: Float64Array, index: number): boolean {
    const length = this.fastLength;
    const x = this.prefix;
    if (length === 0 || !this.prefixValid || b[s + length - 1] !== 90 || b[s + 13] !== 58) return false;
    // `YYYY-MM-DDTHH` as in the cached prefix, the hour (most often different) first; unrolled.
    if (
      (b[s + 12] !== x[12] ||
        b[s + 11] !== x[11] ||
        b[s + 9] !== x[9] ||
        b[s + 8] !== x[8] ||
        b[s + 10] !== x[10] ||
        b[s + 6] !== x[6] ||
        b[s + 5] !== x[5] ||
        b[s + 3] !== x[3] ||
        b[s + 2] !== x[2] ||
        b[s + 1] !== x[1] ||
        b[s] !== x[0] ||
        b[s + 4] !== x[4] ||
        b[s + 7] !== x[7]) &&
      !this.takeHour(b, s)
    ) {
      return false;
    }
    const m1 = (b[s + 14] as number) - 48;
    const m2 = (b[s + 15] as number) - 48;
    if (m1 < 0 || m1 > 5 || m2 < 0 || m2 > 9) return false;
    let ms = this.prefixWall + (m1 * 10 + m2) * MINUTE_MS;
    if (length > 17) {
      const s1 = (b[s + 17] as number) - 48;
      const s2 = (b[s + 18] as number) - 48;
      if (b[s + 16] !== 58 || s1 < 0 || s1 > 5 || s2 < 0 || s2 > 9) return false;
      ms += (s1 * 10 + s2) * 1000;
      if (length > 20) {
        const f1 = (b[s + 20] as number) - 48;
        const f2 = (b[s + 21] as number) - 48;
        const f3 = (b[s + 22] as number) - 48;
        if (b[s + 19] !== 46 || f1 < 0 || f1 > 9 || f2 < 0 || f2 > 9 || f3 < 0 || f3 > 9) return false;
        ms += f1 * 100 + f2 * 10 + f3;
      }
    }
    out[index] = ms;
    this.rowFormat = this.fileFormat;
    this.status = TimestampStatus.OK;
    return true;
  }

  private parseIso(b: Uint8Array, s: number, e: number): number {
    const length = e - s;
    let code = 0;
    let wall: number;
    let p = s + 10;
    if (length >= 16 && this.samePrefix(b, s)) {
      // Same date and hour as the row before (59 of 60 rows in 1m data): reuse them.
      wall = this.prefixWall;
      code = this.prefixCode;
    } else {
      if (length < 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return this.bad();
      const year = digits(b, s, 4);
      const month = digits(b, s + 5, 2);
      const day = digits(b, s + 8, 2);
      if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return this.bad();
      wall = daysFromCivil(year, month, day) * DAY_MS;
      if (p === e) code |= DATE_ONLY;
      else {
        const sep = b[p];
        if (sep === 32) code |= SEP_SPACE;
        else if (sep !== 84) return this.bad();
        if (length < 16) return this.bad();
        const hour = digits(b, p + 1, 2);
        if (hour < 0 || hour > 23) return this.bad();
        wall += hour * HOUR_MS;
        this.rememberPrefix(b, s, wall, code);
      }
    }
    if (!(code & DATE_ONLY)) {
      if (b[p + 3] !== 58) return this.bad();
      const minute = digits(b, p + 4, 2);
      if (minute < 0 || minute > 59) return this.bad();
      wall += minute * MINUTE_MS;
      p += 6;
      if (p < e && b[p] === 58) {
        const second = digits(b, p + 1, 2);
        if (p + 3 > e || second < 0 || second > 59) return this.bad();
        wall += second * 1000;
        code |= HAS_SECONDS;
        p += 3;
        if (p < e && b[p] === 46) {
          let count = 0;
          let fraction = 0;
          let belowMs = 0;
          p++;
          while (p < e && b[p]! >= 48 && b[p]! <= 57) {
            if (count < 3) fraction = fraction * 10 + (b[p]! - 48);
            else belowMs |= b[p]! - 48;
            count++;
            p++;
          }
          if (count === 0 || count > 9) return this.bad();
          // A time between two milliseconds would be stored as another time: refuse it.
          if (belowMs !== 0) {
            this.status = TimestampStatus.SUB_MILLISECOND;
            return Number.NaN;
          }
          for (let k = count; k < 3; k++) fraction *= 10;
          wall += fraction;
          code |= count << FRACTION_SHIFT;
        }
      }
    }
    let offsetMs = 0;
    let zone: number = ZoneKind.NONE;
    if (p < e) {
      const z = b[p];
      if (z === 90 && p + 1 === e) zone = ZoneKind.Z;
      else if (z === 43 || z === 45) {
        const hh = digits(b, p + 1, 2);
        let mm = 0;
        if (p + 3 === e) zone = ZoneKind.HOUR_OFFSET;
        else if (p + 6 === e && b[p + 3] === 58) {
          zone = ZoneKind.COLON_OFFSET;
          mm = digits(b, p + 4, 2);
        } else if (p + 5 === e) {
          zone = ZoneKind.OFFSET;
          mm = digits(b, p + 3, 2);
        } else return this.bad();
        if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return this.bad();
        offsetMs = (z === 45 ? -1 : 1) * (hh * HOUR_MS + mm * MINUTE_MS);
      } else return this.bad();
    }
    this.rowFormat = code | (zone << ZONE_SHIFT);
    if (zone !== ZoneKind.NONE) {
      this.status = TimestampStatus.OK;
      return wall - offsetMs;
    }
    if (this.zone === undefined) {
      this.status = TimestampStatus.NO_ZONE;
      return Number.NaN;
    }
    const utc = this.zone.wallToUtc(wall);
    this.status = Number.isNaN(utc)
      ? TimestampStatus.NONEXISTENT
      : utc === AMBIGUOUS
        ? TimestampStatus.AMBIGUOUS
        : TimestampStatus.OK;
    return this.status === TimestampStatus.OK ? utc : Number.NaN;
  }

  /**
   * A new date and hour for {@link parseFastInto}: when b[s, s+13) is a valid `YYYY-MM-DDTHH` with
   * the file's separator, it becomes the cached prefix. Kept out of line (once an hour in 1m data).
   */
  private takeHour(b: Uint8Array, s: number): boolean {
    const separator = this.fileFormat & SEP_SPACE ? 32 : 84;
    if (b[s + 4] !== 45 || b[s + 7] !== 45 || b[s + 10] !== separator) return false;
    const year = digits(b, s, 4);
    const month = digits(b, s + 5, 2);
    const day = digits(b, s + 8, 2);
    const hour = digits(b, s + 11, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23)
      return false;
    this.rememberPrefix(b, s, daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS, this.fileFormat & SEP_SPACE);
    return true;
  }

  // The first 13 bytes (`YYYY-MM-DDTHH`) of the last full timestamp and what they meant.
  private readonly prefix = new Uint8Array(13);
  private prefixValid = false;
  private prefixWall = 0;
  private prefixCode = 0;

  private samePrefix(b: Uint8Array, s: number): boolean {
    if (!this.prefixValid) return false;
    const prefix = this.prefix;
    for (let i = 12; i >= 0; i--) if (b[s + i] !== prefix[i]) return false;
    return true;
  }

  private rememberPrefix(b: Uint8Array, s: number, wall: number, code: number): void {
    for (let i = 0; i < 13; i++) this.prefix[i] = b[s + i] as number;
    this.prefixValid = true;
    this.prefixWall = wall;
    this.prefixCode = code;
  }

  private parseEpoch(b: Uint8Array, s: number, e: number): number {
    let p = s;
    const negative = p < e && b[p] === 45;
    if (negative) p++;
    let value = 0;
    const first = p;
    while (p < e && b[p]! >= 48 && b[p]! <= 57) value = value * 10 + (b[p++]! - 48);
    if (p === first || p - first > 16) return this.bad();
    if (p < e && b[p] === 46) {
      p++; // pandas writes `1570752000.0`: only zeros may follow the point
      while (p < e && b[p] === 48) p++;
    }
    if (p !== e) return this.bad();
    this.rowFormat = EPOCH;
    this.status = TimestampStatus.OK;
    const signed = negative ? -value : value;
    return this.format === 'epoch-s' ? signed * 1000 : signed;
  }

  private bad(): number {
    this.status = TimestampStatus.BAD;
    return Number.NaN;
  }
}

/** The fixed length of a format's timestamps for `parseFastInto`: `Z` zone, 0 or 3 fraction digits; else 0. */
function fastLengthOf(code: number): number {
  if (code === UNSET || code & (EPOCH | DATE_ONLY) || ((code >> ZONE_SHIFT) & 7) !== ZoneKind.Z) return 0;
  const fraction = (code >> FRACTION_SHIFT) & 15;
  if (!(code & HAS_SECONDS)) return fraction === 0 ? 17 : 0;
  return fraction === 0 ? 20 : fraction === 3 ? 24 : 0;
}

/** Creates a parser; loads the zone rules (luxon) only when a zone is declared. */
export async function createTimestampParser(options: {
  format: TimestampFormat;
  timezone?: string | undefined;
  ambiguous?: AmbiguousTime | undefined;
}): Promise<TimestampParser> {
  const zone =
    options.timezone === undefined ? undefined : await createZoneConverter(options.timezone, options.ambiguous);
  return new TimestampParser(options.format, zone, options.timezone, options.ambiguous);
}

/**
 * A readable pattern for a format code, for error messages.
 * @example formatLabel(parser.fileFormat) // 'YYYY-MM-DDTHH:MM:SS.fffZ'
 */
export function formatLabel(code: number): string {
  if (code === UNSET) return 'unknown';
  if (code & EPOCH) return 'epoch integer';
  let label = 'YYYY-MM-DD';
  if (!(code & DATE_ONLY)) {
    label += code & SEP_SPACE ? ' HH:MM' : 'THH:MM';
    if (code & HAS_SECONDS) label += ':SS';
    const fraction = (code >> FRACTION_SHIFT) & 15;
    if (fraction > 0) label += `.${'f'.repeat(fraction)}`;
  }
  const zone = (code >> ZONE_SHIFT) & 7;
  return label + (['', 'Z', '+HH:MM', '+HHMM', '+HH'][zone] ?? '');
}

/** The message part for a non-OK status. */
export function timestampProblem(parser: TimestampParser): {
  code: 'BAD_TIMESTAMP' | 'TIMESTAMP_NO_ZONE' | 'MIXED_TIMESTAMP_FORMATS';
  reason: string;
} {
  switch (parser.status) {
    case TimestampStatus.NO_ZONE:
      return {
        code: 'TIMESTAMP_NO_ZONE',
        reason: 'timestamp has no zone (Z or an offset); declare the zone with timezone / --timezone',
      };
    case TimestampStatus.MIXED:
      return {
        code: 'MIXED_TIMESTAMP_FORMATS',
        reason: `timestamp format ${formatLabel(parser.rowFormat)} differs from the file's first row (${formatLabel(parser.fileFormat)})`,
      };
    case TimestampStatus.NONEXISTENT:
      return { code: 'BAD_TIMESTAMP', reason: 'local time does not exist in the declared zone (daylight-saving jump)' };
    case TimestampStatus.AMBIGUOUS:
      return { code: 'BAD_TIMESTAMP', reason: AMBIGUOUS_REASON };
    case TimestampStatus.SUB_MILLISECOND:
      return { code: 'BAD_TIMESTAMP', reason: 'timestamp has non-zero digits below the millisecond' };
    case TimestampStatus.OUT_OF_RANGE:
      return { code: 'BAD_TIMESTAMP', reason: 'timestamp is outside the years 0000-9999 (UTC)' };
    default:
      return {
        code: 'BAD_TIMESTAMP',
        reason:
          parser.format === 'iso'
            ? 'not an ISO-8601 timestamp (epoch numbers need timestampFormat epoch-s or epoch-ms)'
            : `not an integer ${parser.format} timestamp`,
      };
  }
}

/** Reads `count` ASCII digits at `at`; -1 when any is not a digit. */
function digits(b: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const d = (b[at + i] ?? 0) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
