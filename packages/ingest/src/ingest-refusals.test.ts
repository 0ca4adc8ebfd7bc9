import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuffError, type IngestOptionsInput } from '@buff/core';
import { parseCsv } from './csv/parse-csv.js';
import { createTimestampParser } from './time/parse-timestamp.js';
import { readCsvColumns } from './csv/read-csv.js';
import { exportDataset } from './export.js';
import { ingestCsv } from './ingest-csv.js';

// Issue 16 "Ingest: refuse instead of guessing": each class with files of its own.
const HEADER = 'timestamp,open,high,low,close,volume\n';
const row = (ts: string, values = '1,2,0.5,1.5,10'): string => `${ts},${values}\n`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'buff-refusals-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function refusal(path: string, options: Partial<IngestOptionsInput> = {}): Promise<BuffError> {
  const error = await parseCsv(path, { symbol: 'T', ...options }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(BuffError);
  return error as BuffError;
}

describe('local times at a DST fall-back', () => {
  // Europe/Prague repeats 02:00-02:59 on 2024-10-27 (CEST +2, then CET +1).
  const repeated = HEADER + row('2024-10-27 02:30:00') + row('2024-10-27 02:31:00');

  it('refuses a time that occurs twice unless told which', async () => {
    const error = await refusal(file('fall.csv', repeated), { timezone: 'Europe/Prague' });
    expect(error).toMatchObject({ code: 'BAD_TIMESTAMP', details: { line: 2, value: '2024-10-27 02:30:00' } });
    expect(error.message).toContain('occurs twice');
    const explicit = await refusal(file('fall2.csv', repeated), { timezone: 'Europe/Prague', ambiguous: 'refuse' });
    expect(explicit.code).toBe('BAD_TIMESTAMP');
  });

  it('takes the earlier or the later instant when declared, and records the choice', async () => {
    const path = file('fall.csv', repeated);
    const earlier = await parseCsv(path, { symbol: 'T', timezone: 'Europe/Prague', ambiguous: 'earlier' });
    expect(Array.from(earlier.bars.ts)).toEqual([Date.UTC(2024, 9, 27, 0, 30), Date.UTC(2024, 9, 27, 0, 31)]);
    const later = await parseCsv(path, { symbol: 'T', timezone: 'Europe/Prague', ambiguous: 'later' });
    expect(Array.from(later.bars.ts)).toEqual([Date.UTC(2024, 9, 27, 1, 30), Date.UTC(2024, 9, 27, 1, 31)]);
    const dataRoot = join(dir, 'data');
    const stored = await ingestCsv(path, { symbol: 'T', timezone: 'Europe/Prague', ambiguous: 'later', dataRoot });
    expect(stored.dataset).toBeDefined();
    const manifest = JSON.parse(readFileSync(join(dataRoot, 'T', 'dataset.json'), 'utf8'));
    expect(manifest.ingestOptions).toMatchObject({ timezone: 'Europe/Prague', ambiguous: 'later' });
  });

  it('reads the hours around the repeated one without a choice, and refuses a spring-forward time', async () => {
    const around =
      HEADER +
      row('2024-10-27 01:58:00') +
      row('2024-10-27 01:59:00') +
      row('2024-10-27 03:00:00') +
      row('2024-10-27 03:01:00');
    const { bars } = await parseCsv(file('around.csv', around), {
      symbol: 'T',
      timezone: 'Europe/Prague',
      allowGaps: true,
    });
    expect(Array.from(bars.ts)).toEqual([58, 59, 180, 181].map((m) => Date.UTC(2024, 9, 26, 23, m)));
    const spring = await refusal(file('spring.csv', HEADER + row('2024-03-31 02:30:00')), {
      timezone: 'Europe/Prague',
    });
    expect(spring.message).toContain('does not exist');
  });

  it('refuses ambiguous without a timezone', async () => {
    const error = await refusal(file('z.csv', HEADER + row('2024-01-01T00:00:00Z')), { ambiguous: 'earlier' });
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', details: { key: 'ambiguous' } });
  });
});

describe('epoch values', () => {
  it.each([
    ['epoch-ms', '8640000000000001'],
    ['epoch-ms', '253402300800000'], // 10000-01-01
    ['epoch-ms', '-62167219200001'], // before 0000-01-01
    ['epoch-s', '9999999999999999'],
  ] as const)('%s %s is a BAD_TIMESTAMP on its line', async (format, value) => {
    const text = `${HEADER}${row('1704067200000')}${row(value)}`;
    const error = await refusal(
      file('epoch.csv', format === 'epoch-s' ? text.replace('1704067200000', '1704067200') : text),
      {
        timestampFormat: format,
      },
    );
    expect(error).toMatchObject({ code: 'BAD_TIMESTAMP', details: { line: 3, value } });
    expect(error.message).toContain('0000-9999');
  });

  it('accepts the last minute of year 9999, and it round-trips through export', async () => {
    const path = file('last.csv', `${HEADER}${row('253402300740000')}`);
    const dataRoot = join(dir, 'data');
    await ingestCsv(path, { symbol: 'T', timestampFormat: 'epoch-ms', dataRoot });
    const out = join(dir, 'out.csv');
    await exportDataset(dataRoot, { symbol: 'T', timeframe: '1m', format: 'csv', out });
    const { bars } = await parseCsv(out, { symbol: 'T' });
    expect(Array.from(bars.ts)).toEqual([253402300740000]);
  });
});

describe('timestamp bytes', () => {
  it('refuses a control character inside a timestamp field as in a number field', async () => {
    const ts = await refusal(file('cr-ts.csv', `${HEADER}2024-01-01T00:00:00Z\r,1,2,0.5,1.5,10\n`));
    expect(ts).toMatchObject({ code: 'BAD_TIMESTAMP', details: { line: 2 } });
    const num = await refusal(file('cr-num.csv', `${HEADER}2024-01-01T00:00:00Z,1\r,2,0.5,1.5,10\n`));
    expect(num.code).toBe('BAD_NUMBER');
    for (const byte of ['\t', '\u0000', '\u001b']) {
      const error = await refusal(file('ctl.csv', `${HEADER}2024-01-01T00:00${byte}:00Z,1,2,0.5,1.5,10\n`));
      expect(error.code).toBe('BAD_TIMESTAMP');
    }
  });

  it('refuses non-zero digits below the millisecond; zeros there are the same time', async () => {
    const off = await refusal(
      file('sub.csv', HEADER + row('2024-01-01T00:00:00.0000000Z') + row('2024-01-01T00:01:00.0000001Z')),
    );
    expect(off).toMatchObject({ code: 'BAD_TIMESTAMP', details: { line: 3 } });
    expect(off.message).toContain('below the millisecond');
    const zeros = HEADER + row('2024-01-01T00:00:00.000000Z') + row('2024-01-01T00:01:00.000000Z');
    const { bars } = await parseCsv(file('zeros.csv', zeros), { symbol: 'T' });
    expect(Array.from(bars.ts)).toEqual([Date.UTC(2024, 0, 1, 0, 0), Date.UTC(2024, 0, 1, 0, 1)]);
  });
});

describe('inputs that are not a CSV of rows', () => {
  it('names a folder given as the input', async () => {
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder);
    const error = await refusal(folder);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('is a folder');
  });

  it.each([
    ['only a BOM', Buffer.from([0xef, 0xbb, 0xbf])],
    ['only a newline', '\n'],
    ['only CRLFs', '\r\n\r\n'],
    ['a BOM and a newline', Buffer.from([0xef, 0xbb, 0xbf, 0x0a])],
  ])('%s is EMPTY_FILE', async (_name, bytes) => {
    expect((await refusal(file('empty.csv', bytes))).code).toBe('EMPTY_FILE');
  });
});

describe('quoted values in messages', () => {
  it('clips a 1 MB header name to 80 characters and says how long it was', async () => {
    const name = 'x'.repeat(1_000_000);
    const error = await refusal(
      file('wide.csv', `timestamp,open,high,low,close,volume,${name}\n${row('2024-01-01T00:00:00Z')}`),
    );
    expect(error.code).toBe('UNKNOWN_COLUMN');
    expect(error.message.length).toBeLessThan(1200);
    expect(error.message).toContain('… (1000000 chars)');
    expect(JSON.stringify(error.details).length).toBeLessThan(1200);
    expect(error.details.valueLength).toBe(1_000_000);
  });
});

describe('round trips', () => {
  it('-0 survives export -> ingest with the same content id', async () => {
    const text =
      HEADER + row('2024-01-01T00:00:00.000Z', '-0,1,-0,0.5,-0') + row('2024-01-01T00:01:00.000Z', '0,1,0,-0,0');
    const first = join(dir, 'a');
    await ingestCsv(file('zero.csv', text), { symbol: 'T', dataRoot: first });
    const out = join(dir, 'zero-out.csv');
    await exportDataset(first, { symbol: 'T', timeframe: '1m', format: 'csv', out });
    expect(readFileSync(out, 'utf8')).toContain(',-0,');
    const second = join(dir, 'b');
    await ingestCsv(out, { symbol: 'T', dataRoot: second });
    const id = (root: string) => JSON.parse(readFileSync(join(root, 'T', 'dataset.json'), 'utf8')).contentId;
    expect(id(second)).toBe(id(first));
  });
});

describe('what a strict reader accepts', () => {
  const plain = HEADER + row('2024-01-01T00:00:00Z') + row('2024-01-01T00:01:00Z', '1.5,2.5,1,2,7');

  it('reads RFC 4180 quoted fields (header, numbers, timestamps, an ignored text with commas and quotes)', async () => {
    const quoted =
      '"timestamp","open",high,low,close,volume,"note, free"\r\n' +
      '"2024-01-01T00:00:00Z","1",2,0.5,"1.5",10,"a, ""b"""\r\n' +
      '2024-01-01T00:01:00Z,1.5,"2.5",1,2,"7",plain\r\n';
    const a = await parseCsv(file('plain.csv', plain), { symbol: 'T' });
    const b = await parseCsv(file('quoted.csv', quoted), { symbol: 'T', columnMap: { 'note, free': null } });
    expect(b.bars).toEqual(a.bars);
  });

  it('refuses a quoted field that spans lines, a quote inside a number, and text after a closing quote', async () => {
    const spans = `${HEADER}"2024-01-01T00:00:00Z",1,2,0.5,1.5,"1\n0"\n`;
    expect((await refusal(file('spans.csv', spans))).code).toBe('BAD_ROW');
    const inner = `${HEADER}2024-01-01T00:00:00Z,"1""",2,0.5,1.5,10\n`;
    expect((await refusal(file('inner.csv', inner))).code).toBe('BAD_NUMBER');
    const after = `${HEADER}2024-01-01T00:00:00Z,"1"x,2,0.5,1.5,10\n`;
    expect((await refusal(file('after.csv', after))).code).toBe('BAD_ROW');
  });

  it('accepts blank lines at the very end (hashed as part of the file), not in the middle', async () => {
    const trailing = `${plain}\n\r\n\n`;
    const path = file('trailing.csv', trailing);
    const a = await parseCsv(file('plain.csv', plain), { symbol: 'T' });
    const b = await parseCsv(path, { symbol: 'T' });
    expect(b.bars).toEqual(a.bars);
    const stored = await ingestCsv(path, { symbol: 'T', dataRoot: join(dir, 'data') });
    expect(stored.sourceSha256).toBe(createHash('sha256').update(trailing).digest('hex'));
    const middle = `${HEADER + row('2024-01-01T00:00:00Z')}\n${row('2024-01-01T00:01:00Z')}`;
    expect(await refusal(file('middle.csv', middle))).toMatchObject({ code: 'BAD_ROW', details: { line: 3 } });
  });

  it('reads the same on two threads: quoted rows and trailing blank lines', async () => {
    let text = HEADER;
    for (let m = 0; m < 3000; m++) {
      const ts = new Date(Date.UTC(2024, 0, 1, 0, m)).toISOString();
      text += m % 7 === 0 ? `"${ts}","1",2,0.5,1.5,"10"\n` : row(ts);
    }
    const path = file('big.csv', `${text}\n\n`);
    const read = async (parallelBytes: number) =>
      readCsvColumns(path, {
        file: 'big.csv',
        timestamps: await createTimestampParser({ format: 'iso' }),
        parallelBytes,
      });
    const one = await read(Number.MAX_SAFE_INTEGER);
    const two = await read(1);
    expect(two.bars).toEqual(one.bars);
    expect(two.sha256).toBe(one.sha256);
    expect(one.bars.ts.length).toBe(3000);
  });
});
