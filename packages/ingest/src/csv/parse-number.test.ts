import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecimalParser, NumberStatus } from './parse-number.js';

function parse(text: string): { value: number; status: number } {
  const parser = new DecimalParser();
  const bytes = Buffer.from(text, 'latin1');
  const value = parser.parse(bytes, 0, bytes.length);
  return { value, status: parser.status };
}

describe('DecimalParser', () => {
  it('is bit-identical to Number() on decimal text, short and long', () => {
    const cases = ['0', '-0', '1', '0.04088000000000001', '0.0016200000000000001', '42000.12', '1e-7', '1.5E+3', '-2.5', '.5', '7.', '123456789012345', '1234567890123456789', '0.1', '0.3', '9007199254740993', '1e22', '1e23', '5e-324', '1.7976931348623157e308'];
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
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 20 }), (mantissa, scale) => {
        const digits = (mantissa < 0n ? -mantissa : mantissa).toString().padStart(scale + 1, '0');
        const text = `${mantissa < 0n ? '-' : ''}${digits.slice(0, digits.length - scale)}${scale > 0 ? `.${digits.slice(-scale)}` : ''}`;
        expect(Object.is(parse(text).value, Number(text))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects what is not a plain decimal and flags non-finite values', () => {
    for (const text of ['', ' 1', '1 ', 'abc', '0x10', '1e', '1.2.3', '+', '-', '.', '1_000', '"1"']) expect(parse(text).status, text).toBe(NumberStatus.BAD);
    for (const text of ['NaN', 'nan', 'inf', '-Infinity', '1e999']) expect(parse(text).status, text).toBe(NumberStatus.NON_FINITE);
  });
});
