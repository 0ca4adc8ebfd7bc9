/**
 * Decimal numbers straight from bytes, exact: the result is bit-identical to `Number(text)`.
 *
 * Fast path (Clinger): a mantissa of at most 15 significant digits is an exact integer in a
 * double, and so is 10^k for k <= 22, so one multiplication or division rounds correctly.
 * Anything longer (e.g. `0.04088000000000001`) falls back to `Number()` on the latin1 slice.
 */

/** Why a field is not a number; `OK` when it is one. */
export const NumberStatus = { OK: 0, BAD: 1, NON_FINITE: 2 } as const;
export type NumberStatus = (typeof NumberStatus)[keyof typeof NumberStatus];

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];
const MAX_FAST_DIGITS = 15;

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;

/**
 * A reusable parser: `parse(bytes, start, end)` returns the value and sets `status`.
 * One instance per reader keeps the hot loop free of allocations.
 * @example
 * const parser = new DecimalParser();
 * parser.parse(Buffer.from('0.5'), 0, 3); // 0.5, parser.status === NumberStatus.OK
 */
export class DecimalParser {
  status: NumberStatus = NumberStatus.OK;

  /** Where the last `scan` stopped: the first byte after the number. */
  end = 0;

  /**
   * Parses the whole field [start, end): OK only when all of it is one number.
   */
  parse(bytes: Uint8Array, start: number, end: number): number {
    const value = this.scan(bytes, start, end);
    if (this.status === NumberStatus.OK && this.end === end) return value;
    if (this.status === NumberStatus.OK) this.status = NumberStatus.BAD;
    if (this.status === NumberStatus.BAD) this.notANumber(bytes, start, end);
    return Number.NaN;
  }

  /**
   * Parses the longest number at `start` (before `limit`) and sets `end` after it; the caller
   * checks what follows. `status` is BAD when no number starts there.
   */
  scan(bytes: Uint8Array, start: number, limit: number): number {
    let pos = start;
    let negative = false;
    let byte = pos < limit ? (bytes[pos] as number) : -1;
    if (byte === MINUS || byte === PLUS) {
      negative = byte === MINUS;
      pos++;
    }
    let mantissa = 0;
    let digits = 0; // significant digits in the mantissa (leading zeros skipped)
    let exponent = 0; // decimal exponent applied to the mantissa
    let sawDigit = false;
    while (pos < limit) {
      byte = bytes[pos] as number;
      if (byte < DIGIT_0 || byte > DIGIT_9) break;
      sawDigit = true;
      if (digits > 0 || byte !== DIGIT_0) {
        mantissa = mantissa * 10 + (byte - DIGIT_0);
        digits++;
      }
      pos++;
    }
    if (pos < limit && bytes[pos] === DOT) {
      pos++;
      while (pos < limit) {
        byte = bytes[pos] as number;
        if (byte < DIGIT_0 || byte > DIGIT_9) break;
        sawDigit = true;
        if (digits > 0 || byte !== DIGIT_0) {
          mantissa = mantissa * 10 + (byte - DIGIT_0);
          digits++;
        }
        exponent--;
        pos++;
      }
    }
    if (!sawDigit) {
      this.end = pos;
      this.status = NumberStatus.BAD;
      return Number.NaN;
    }
    if (pos < limit && (bytes[pos] === 101 || bytes[pos] === 69)) {
      let expPos = pos + 1;
      let expNegative = false;
      if (expPos < limit && (bytes[expPos] === MINUS || bytes[expPos] === PLUS)) {
        expNegative = bytes[expPos] === MINUS;
        expPos++;
      }
      let expValue = 0;
      const expStart = expPos;
      while (expPos < limit) {
        byte = bytes[expPos] as number;
        if (byte < DIGIT_0 || byte > DIGIT_9) break;
        if (expValue < 100_000) expValue = expValue * 10 + (byte - DIGIT_0);
        expPos++;
      }
      // `1e` is not a number; leaving pos before the `e` makes the caller reject the field.
      if (expPos > expStart) {
        pos = expPos;
        exponent += expNegative ? -expValue : expValue;
      }
    }
    this.end = pos;
    this.status = NumberStatus.OK;
    if (digits <= MAX_FAST_DIGITS) {
      let value: number;
      if (mantissa === 0) value = 0;
      else if (exponent === 0) value = mantissa;
      else if (exponent < 0 && exponent >= -22) value = mantissa / (POW10[-exponent] as number);
      else if (exponent > 0 && exponent <= 22) value = mantissa * (POW10[exponent] as number);
      else return this.slow(bytes, start, pos);
      return negative ? -value : value;
    }
    return this.slow(bytes, start, pos);
  }

  private slow(bytes: Uint8Array, start: number, end: number): number {
    const value = Number(latin1(bytes, start, end));
    if (!Number.isFinite(value)) {
      this.status = NumberStatus.NON_FINITE;
      return Number.NaN;
    }
    return value;
  }

  /** `nan`, `inf`, `infinity` (any case, any sign) are non-finite; anything else is not a number. */
  private notANumber(bytes: Uint8Array, start: number, end: number): number {
    const word = latin1(bytes, start, end).trim().toLowerCase().replace(/^[+-]/, '');
    this.status = word === 'nan' || word === 'inf' || word === 'infinity' ? NumberStatus.NON_FINITE : NumberStatus.BAD;
    return Number.NaN;
  }
}

const EXACT_MANTISSA_LIMIT = 2 ** 53;

/**
 * The hot-loop path for plain decimals (`-12.345`, no `+`, no exponent): parses the number at
 * `start` straight into `out[index]` (no boxed result) and returns the position after it. Returns
 * -1 for anything else, and when the digits do not fit an exact double, so that the caller falls
 * back to {@link DecimalParser} and its checks. A stored value is bit-identical to `Number(text)`:
 * the mantissa is an exact integer below 2^53 and 10^k (k <= 22) is exact, so one division rounds
 * correctly. Up to 9 digits each side of the point accumulate in two int32s (a short dependency
 * per digit: 10% faster than one double); longer numbers take a double mantissa. No bounds checks: a byte that cannot continue a number (the reader's LF, or the NUL it
 * puts after a last line without LF) must follow within `bytes`.
 * @example const out = new Float64Array(1); scanDecimalInto(Buffer.from('0.5,'), 0, out, 0); // 3, out[0] === 0.5
 */
export function scanDecimalInto(bytes: Uint8Array, start: number, out: Float64Array, index: number): number {
  let pos = start;
  let c = bytes[pos] as number;
  const negative = c === MINUS;
  if (negative) c = bytes[++pos] as number;
  // Two int32 accumulators (the whole part, then the fraction) keep the per-digit dependency short.
  const wholeStart = pos;
  let whole = 0;
  let digit = c - DIGIT_0;
  while (digit >= 0 && digit <= 9) {
    whole = (whole * 10 + digit) | 0;
    digit = (bytes[++pos] as number) - DIGIT_0;
  }
  const wholeDigits = pos - wholeStart;
  let fraction = 0;
  let fractionDigits = 0;
  if (digit === DOT - DIGIT_0) {
    const fractionStart = ++pos;
    digit = (bytes[pos] as number) - DIGIT_0;
    while (digit >= 0 && digit <= 9) {
      fraction = (fraction * 10 + digit) | 0;
      digit = (bytes[++pos] as number) - DIGIT_0;
    }
    fractionDigits = pos - fractionStart;
  }
  c = digit + DIGIT_0;
  if (wholeDigits + fractionDigits === 0 || c === 101 || c === 69) return -1;
  if (wholeDigits > 9 || fractionDigits > 9) return scanLongDecimalInto(bytes, start, out, index);
  const scale = POW10[fractionDigits] as number;
  const mantissa = whole * scale + fraction; // below 10^18, exact below 2^53
  if (mantissa >= EXACT_MANTISSA_LIMIT) return -1;
  const value = fractionDigits === 0 ? mantissa : mantissa / scale;
  out[index] = negative ? -value : value;
  return pos;
}

/** {@link scanDecimalInto} for more than 9 digits before or after the point: one double mantissa. */
function scanLongDecimalInto(bytes: Uint8Array, start: number, out: Float64Array, index: number): number {
  let pos = start;
  let c = bytes[pos] as number;
  const negative = c === MINUS;
  if (negative) c = bytes[++pos] as number;
  let mantissa = 0;
  while (c >= DIGIT_0 && c <= DIGIT_9) {
    mantissa = mantissa * 10 + (c - DIGIT_0);
    c = bytes[++pos] as number;
  }
  let fraction = 0;
  if (c === DOT) {
    c = bytes[++pos] as number;
    const fractionStart = pos;
    while (c >= DIGIT_0 && c <= DIGIT_9) {
      mantissa = mantissa * 10 + (c - DIGIT_0);
      c = bytes[++pos] as number;
    }
    fraction = pos - fractionStart;
  }
  if (mantissa >= EXACT_MANTISSA_LIMIT || fraction > 22) return -1;
  const value = fraction === 0 ? mantissa : mantissa / (POW10[fraction] as number);
  out[index] = negative ? -value : value;
  return pos;
}

/** Bytes [start, end) as a latin1 string (ASCII input: the exact text). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}
