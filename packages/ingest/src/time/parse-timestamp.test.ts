import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTimestampParser, TimestampParser, TimestampStatus, formatLabel } from './parse-timestamp.js';

function parse(parser: TimestampParser, text: string): number {
  const bytes = Buffer.from(text, 'latin1');
  return parser.parse(bytes, 0, bytes.length);
}

describe('TimestampParser', () => {
  it('parses ISO-8601 with Z exactly like Date.parse, for any instant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2200, 0, 1) }), async (ms) => {
        const parser = await createTimestampParser({ format: 'iso' });
        const text = new Date(ms).toISOString();
        expect(parse(parser, text)).toBe(ms);
        expect(parser.status).toBe(TimestampStatus.OK);
      }),
      { numRuns: 2000 },
    );
  });

  it('converts offsets to UTC in all offset styles', async () => {
    for (const text of [
      '2024-01-01T02:00:00+02:00',
      '2024-01-01T02:00:00+0200',
      '2024-01-01T02:00:00+02',
      '2023-12-31T23:00:00-01:00',
    ]) {
      const parser = await createTimestampParser({ format: 'iso' });
      expect(parse(parser, text), text).toBe(Date.UTC(2024, 0, 1));
    }
  });

  it('flags a change of format within a file as MIXED', async () => {
    const pairs = [
      ['2024-01-01T00:00:00Z', '2024-01-01T00:01:00+00:00'],
      ['2024-01-01T00:00:00Z', '2024-01-01 00:01:00Z'],
      ['2024-01-01T00:00:00.000Z', '2024-01-01T00:01:00Z'],
      ['2024-01-01T00:00:00.000Z', '2024-01-01T00:01:00.000000Z'],
    ];
    for (const [first, second] of pairs) {
      const parser = await createTimestampParser({ format: 'iso' });
      parse(parser, first as string);
      expect(parser.status).toBe(TimestampStatus.OK);
      parse(parser, second as string);
      expect(parser.status, `${first} then ${second}`).toBe(TimestampStatus.MIXED);
    }
    const parser = await createTimestampParser({ format: 'iso' });
    parse(parser, '2024-01-01T00:00:00+01:00');
    parse(parser, '2024-07-01T00:00:00+02:00');
    expect(parser.status).toBe(TimestampStatus.OK); // another offset in the same style is fine
  });

  it('rejects impossible dates and junk', async () => {
    const parser = await createTimestampParser({ format: 'iso' });
    for (const text of [
      '2023-02-29T00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T00:60:00Z',
      '2024-01-01X00:00:00Z',
      '2024-1-01T00:00:00Z',
      '2024-01-01T00:00:00ZZ',
      '1704067200',
      '',
    ]) {
      parse(parser, text);
      expect(parser.status, text).toBe(TimestampStatus.BAD);
    }
  });

  it('needs a declared zone for naive times and refuses times a DST jump skips', async () => {
    const plain = await createTimestampParser({ format: 'iso' });
    parse(plain, '2024-01-01T00:00:00');
    expect(plain.status).toBe(TimestampStatus.NO_ZONE);
    const prague = await createTimestampParser({ format: 'iso', timezone: 'Europe/Prague' });
    expect(parse(prague, '2024-07-01 12:00:00')).toBe(Date.UTC(2024, 6, 1, 10));
    parse(prague, '2024-03-31 02:30:00');
    expect(prague.status).toBe(TimestampStatus.NONEXISTENT);
    const newYork = await createTimestampParser({ format: 'iso', timezone: 'America/New_York' });
    expect(parse(newYork, '2024-01-01')).toBe(Date.UTC(2024, 0, 1, 5));
  });

  it('reads epoch seconds and milliseconds when declared', async () => {
    const seconds = await createTimestampParser({ format: 'epoch-s' });
    expect(parse(seconds, '1704067200')).toBe(Date.UTC(2024, 0, 1));
    expect(parse(seconds, '1704067200.0')).toBe(Date.UTC(2024, 0, 1));
    const millis = await createTimestampParser({ format: 'epoch-ms' });
    expect(parse(millis, '1704067200000')).toBe(Date.UTC(2024, 0, 1));
    parse(millis, '2024-01-01T00:00:00Z');
    expect(millis.status).toBe(TimestampStatus.BAD);
  });

  it('labels formats for messages', async () => {
    const parser = await createTimestampParser({ format: 'iso' });
    parse(parser, '2024-01-01T00:00:00.000Z');
    expect(formatLabel(parser.fileFormat)).toBe('YYYY-MM-DDTHH:MM:SS.fffZ');
  });
});

describe('TimestampParser.parseFastInto (the hot-loop path)', () => {
  it('agrees with parse() on the file layout and declines anything else', async () => {
    const layouts: Array<[(iso: string) => string, number]> = [
      [(iso) => iso, 1],
      [(iso) => iso.replace('.000Z', 'Z'), 1000],
      [(iso) => iso.replace(':00.000Z', 'Z'), 60_000],
    ];
    for (const [layout, unit] of layouts) {
      let accepted = 0;
      const parser = await createTimestampParser({ format: 'iso' });
      const reference = await createTimestampParser({ format: 'iso' });
      const first = Buffer.from(layout('2024-03-05T07:00:00.000Z'));
      parser.parse(first, 0, first.length);
      reference.parse(first, 0, first.length);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 3_599_999 }),
          fc.nat(23),
          fc.constantFrom('', '9', 'x', ':', '.'),
          (offset, at, junk) => {
            let text = layout(new Date(Date.UTC(2024, 2, 5, 7) + offset - (offset % unit)).toISOString());
            if (junk !== '' && at < text.length) text = text.slice(0, at) + junk + text.slice(at + 1);
            const bytes = Buffer.from(text);
            const out = new Float64Array(1);
            const fast = parser.parseFastInto(bytes, 0, out, 0);
            const ms = reference.parse(bytes, 0, bytes.length);
            if (fast) {
              accepted++;
              expect(parser.fastLength).toBe(bytes.length);
              expect(reference.status, text).toBe(TimestampStatus.OK);
              expect(out[0], text).toBe(ms);
            }
          },
        ),
        { numRuns: 3000 },
      );
      expect(accepted).toBeGreaterThan(100);
    }
  });

  it('takes a new date and hour only when parse() would (calendar, separator, digits)', async () => {
    const layouts: Array<(iso: string) => string> = [
      (iso) => iso,
      (iso) => iso.replace('T', ' ').replace('.000Z', 'Z'),
    ];
    for (const layout of layouts) {
      let accepted = 0;
      const parser = await createTimestampParser({ format: 'iso' });
      const first = Buffer.from(layout('2024-03-05T07:00:00.000Z'));
      parser.parse(first, 0, first.length);
      const start = Date.UTC(1899, 0, 1);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 220 * 365 * 24 }),
          fc.nat(12),
          fc.constantFrom('', '0', '1', '2', '3', '9', 'T', ' ', '-'),
          (hours, at, junk) => {
            let text = layout(new Date(start + hours * 3_600_000).toISOString());
            if (junk !== '') text = text.slice(0, at) + junk + text.slice(at + 1);
            const bytes = Buffer.from(text);
            const out = new Float64Array(1);
            const fast = parser.parseFastInto(bytes, 0, out, 0);
            const reference = new TimestampParser('iso', undefined);
            reference.setFileFormat(parser.fileFormat);
            const ms = reference.parse(bytes, 0, bytes.length);
            if (fast) {
              accepted++;
              expect(reference.status, text).toBe(TimestampStatus.OK);
              expect(out[0], text).toBe(ms);
            } else if (junk === '') throw new Error(`declined ${text}`);
          },
        ),
        { numRuns: 4000 },
      );
      expect(accepted).toBeGreaterThan(1000);
    }
  });
});
