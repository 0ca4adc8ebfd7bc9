import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecimalParser, NumberStatus, scanDecimalInto } from './parse-number.js';

function parse(text: string): { value: number; status: number } {
  const parser = new DecimalParser();
  const bytes = Buffer.from(text, 'latin1');
  const value = parser.parse(bytes, 0, bytes.length);
  return { value, status: parser.status };
}

describe('DecimalParser', () => {
  it('is bit-identical to Number() on decimal text, short and long', () => {
    const cases = [
      '0',
      '-0',
      '1',
      '0.04088000000000001',
      '0.0016200000000000001',
      '42000.12',
      '1e-7',
      '1.5E+3',
      '-2.5',
      '.5',
      '7.',
      '123456789012345',
      '1234567890123456789',
      '0.1',
      '0.3',
      '9007199254740993',
      '1e22',
      '1e23',
      '5e-324',
      '1.7976931348623157e308',
    ];
    for (const text of cases) expect(Object.is(parse(text).value, Number(text)), text).toBe(true);
  });

  it('round-trips every double printed by String()', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(parse(String(x)).value, Number(String(x)))).toBe(true); // String(-0) is "0"
      }),
      { numRuns: 5000 },
    );
  });

  it('matches Number() on random fixed-point text', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.integer({ min: 0, max: 20 }),
        (mantissa, scale) => {
          const digits = (mantissa < 0n ? -mantissa : mantissa).toString().padStart(scale + 1, '0');
          const text = `${mantissa < 0n ? '-' : ''}${digits.slice(0, digits.length - scale)}${scale > 0 ? `.${digits.slice(-scale)}` : ''}`;
          expect(Object.is(parse(text).value, Number(text))).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('rejects what is not a plain decimal and flags non-finite values', () => {
    for (const text of ['', ' 1', '1 ', 'abc', '0x10', '1e', '1.2.3', '+', '-', '.', '1_000', '"1"'])
      expect(parse(text).status, text).toBe(NumberStatus.BAD);
    for (const text of ['NaN', 'nan', 'inf', '-Infinity', '1e999'])
      expect(parse(text).status, text).toBe(NumberStatus.NON_FINITE);
  });
});

describe('scanDecimalInto (the hot-loop path)', () => {
  /** What the reader would store: the fast path's value, else DecimalParser's. */
  function scan(text: string): { value: number; end: number; fast: boolean } {
    const bytes = Buffer.from(`${text},`, 'latin1');
    const out = new Float64Array(1);
    const end = scanDecimalInto(bytes, 0, out, 0);
    if (end >= 0) return { value: out[0] as number, end, fast: true };
    const parser = new DecimalParser();
    const value = parser.scan(bytes, 0, bytes.length);
    return { value, end: parser.end, fast: false };
  }

  it('stores exactly Number(text) and stops where DecimalParser stops, or declines', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }),
        fc.integer({ min: 0, max: 26 }),
        (mantissa, scale) => {
          const digits = (mantissa < 0n ? -mantissa : mantissa).toString().padStart(scale + 1, '0');
          const text = `${mantissa < 0n ? '-' : ''}${digits.slice(0, digits.length - scale)}${scale > 0 ? `.${digits.slice(-scale)}` : ''}`;
          const { value, end } = scan(text);
          expect(Object.is(value, Number(text)), text).toBe(true);
          expect(end).toBe(text.length);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('takes plain decimals and leaves signs, exponents and junk to DecimalParser', () => {
    for (const text of ['0', '-0', '42000.12', '.5', '7.', '-2.5', '9007199254740991', '0.0000000000000000000001']) {
      const { value, fast } = scan(text);
      expect(fast, text).toBe(true);
      expect(Object.is(value, Number(text)), text).toBe(true);
    }
    for (const text of ['+1', '1e5', '1E-2', '', '-', '.', 'abc', '9007199254740993', '0.00000000000000000000001'])
      expect(scan(text).fast, text).toBe(false);
  });
});
