import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuffError, QualityReportSchema, type ErrorCode, type IngestOptionsInput } from '@buff/core';
import { ingestCsv } from './ingest-csv.js';
import { parseCsv } from './csv/parse-csv.js';
import { ipcToBars } from './arrow/bars-table.js';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/ingest/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'buff-ingest-csv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(name: string, options: Partial<IngestOptionsInput> = {}): Promise<BuffError> {
  const out = join(dir, 'out.arrow');
  const dataRoot = join(dir, 'data');
  const error = await ingestCsv(fixture(name), { symbol: 'TEST', out, dataRoot, ...options }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(BuffError);
  // Fail closed: nothing at either output, not even a temp file.
  expect(existsSync(out)).toBe(false);
  expect(existsSync(join(dataRoot, 'TEST'))).toBe(false);
  expect(readdirSync(dir).filter((entry) => entry !== 'data')).toEqual([]);
  return error as BuffError;
}

// One fixture per rule: [fixture, expected code, line, offending value, options]
const RULES: Array<[string, ErrorCode, number, string, Partial<IngestOptionsInput>?]> = [
  ['missing-column.csv', 'MISSING_COLUMN', 1, 'timestamp,open,high,low,close'],
  ['unknown-column.csv', 'UNKNOWN_COLUMN', 1, 'trades'],
  ['bad-number.csv', 'BAD_NUMBER', 3, 'abc'],
  ['non-finite-number.csv', 'NON_FINITE_NUMBER', 3, 'NaN'],
  ['timestamp-no-zone.csv', 'TIMESTAMP_NO_ZONE', 2, '2024-01-01T00:00:00'],
  ['bad-timestamp.csv', 'BAD_TIMESTAMP', 3, '2024-13-01T00:01:00.000Z'],
  ['mixed-timestamp-formats.csv', 'MIXED_TIMESTAMP_FORMATS', 3, '2024-01-01T02:01:00.000+02:00'],
  ['unordered-timestamp.csv', 'UNORDERED_TIMESTAMP', 4, '2024-01-01T00:01:00.000Z'],
  ['duplicate-timestamp.csv', 'DUPLICATE_TIMESTAMP', 4, '2024-01-01T00:01:00.000Z'],
  ['wrong-spacing.csv', 'WRONG_SPACING', 3, '2024-01-01T00:05:00.000Z', { allowGaps: true }],
  ['high-below-open-close.csv', 'HIGH_BELOW_OPEN_CLOSE', 3, '1.4'],
  ['low-above-open-close.csv', 'LOW_ABOVE_OPEN_CLOSE', 3, '1.2'],
  ['negative-volume.csv', 'NEGATIVE_VOLUME', 3, '-3'],
  ['gap.csv', 'GAP', 4, '2024-01-01T00:04:00.000Z'],
  ['empty-file.csv', 'EMPTY_FILE', 1, ''],
  ['header-only.csv', 'EMPTY_FILE', 1, 'timestamp,open,high,low,close,volume'],
  ['truncated-line.csv', 'TRUNCATED_LINE', 4, '2024-01-01T00:02:00.000Z,1,2,0.'],
  ['bad-row.csv', 'BAD_ROW', 3, '2024-01-01T00:01:00.000Z,1,2,0.5,1.5,10,7'],
];

describe('ingestCsv rules (fail closed)', () => {
  it.each(RULES)('%s -> %s', async (name, code, line, value, options) => {
    const error = await rejection(name, options);
    expect(error.code).toBe(code);
    expect(error.toLine().startsWith(`${code}: `)).toBe(true); // the code once, in front
    expect(error.toLine().split(code)).toHaveLength(2);
    expect(error.message).toContain(fixture(name));
    expect(error.message).toContain(`line ${line}`);
    expect(error.message).toContain(`"${value}"`);
    expect(error.details).toMatchObject({ file: fixture(name), line, value, rule: code });
  });

  it('rejects a 5m file declared as 1m even with gaps allowed, and accepts it as 5m', async () => {
    const error = await rejection('wrong-spacing.csv', { allowGaps: true });
    expect(error.message).toContain('smallest step between rows is 5m');
    const { quality } = await parseCsv(fixture('wrong-spacing.csv'), { symbol: 'TEST', timeframe: '5m' });
    expect(quality.rows).toBe(5);
  });

  it('rejects timestamps off the timeframe grid', async () => {
    const path = join(dir, 'seconds.csv');
    writeFileSync(
      path,
      'timestamp,open,high,low,close,volume\n2024-01-01T00:00:30Z,1,2,0.5,1.5,1\n2024-01-01T00:01:30Z,1,2,0.5,1.5,1\n',
    );
    await expect(parseCsv(path, { symbol: 'TEST' })).rejects.toMatchObject({
      code: 'WRONG_SPACING',
      details: { line: 2 },
    });
  });

  it('rejects an empty line in the middle as BAD_ROW', async () => {
    const path = join(dir, 'blank.csv');
    writeFileSync(
      path,
      'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,1\n\n2024-01-01T00:01:00Z,1,2,0.5,1.5,1\n',
    );
    await expect(parseCsv(path, { symbol: 'TEST' })).rejects.toMatchObject({ code: 'BAD_ROW', details: { line: 3 } });
  });

  it('rejects invalid options as INVALID_CONFIG', async () => {
    await expect(parseCsv(fixture('valid.csv'), { symbol: '../etc' })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      details: { key: 'symbol' },
    });
    await expect(parseCsv(fixture('valid.csv'), { symbol: 'X', timezone: 'Mars/Olympus' })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
  });
});

describe('ingestCsv success', () => {
  it('ingests a valid file into the store and an Arrow file', async () => {
    const out = join(dir, 'valid.arrow');
    const dataRoot = join(dir, 'data');
    const result = await ingestCsv(fixture('valid.csv'), { symbol: 'TEST', out, dataRoot });
    const bars = await result.readBars();
    expect(bars.ts.length).toBe(10);
    expect(bars.open[3]).toBe(103.5);
    expect(bars.volume[9]).toBe(1.29);
    expect(result.rows).toBe(10);
    expect(result.quality).toMatchObject({
      rows: 10,
      gapCount: 0,
      expectedRows: 10,
      first: '2024-01-01T00:00:00.000Z',
      last: '2024-01-01T00:09:00.000Z',
    });
    expect(QualityReportSchema.parse(result.quality)).toEqual(result.quality);
    const written = ipcToBars(readFileSync(out));
    expect(Array.from(written.close)).toEqual(Array.from(bars.close));
    expect(result.dataset?.rows).toBe(10);
    const manifest = JSON.parse(readFileSync(join(dataRoot, 'TEST', 'dataset.json'), 'utf8'));
    expect(existsSync(join(dataRoot, 'TEST', manifest.tables['1m'].file))).toBe(true);
    const quality = JSON.parse(readFileSync(join(dataRoot, 'TEST', manifest.quality.file), 'utf8'));
    expect(quality.rows).toBe(10);
    expect(manifest.source).toEqual({ kind: 'csv', file: 'valid.csv', sha256: result.sourceSha256 });
  });

  it('reports gaps with ranges when gaps are allowed', async () => {
    const { quality } = await parseCsv(fixture('gap.csv'), { symbol: 'TEST', allowGaps: true });
    expect(quality).toMatchObject({
      rows: 4,
      expectedRows: 6,
      gapCount: 1,
      missingBars: 2,
      gapsAllowed: true,
      gaps: [{ from: '2024-01-01T00:02:00.000Z', to: '2024-01-01T00:03:00.000Z', missing: 2 }],
    });
    expect(quality.rules.GAP).toEqual({ checked: 3, violations: 1 });
    expect(quality.rules.NEGATIVE_VOLUME).toEqual({ checked: 4, violations: 0 });
  });

  it('accepts any column order, maps or ignores extra columns, matches names case-insensitively', async () => {
    const path = fixture('reordered-with-extra.csv');
    await expect(parseCsv(path, { symbol: 'T' })).rejects.toMatchObject({
      code: 'UNKNOWN_COLUMN',
      details: { value: 'trades' },
    });
    const { bars } = await parseCsv(path, { symbol: 'T', columnMap: { trades: null } });
    expect(Array.from(bars.open)).toEqual([100.5, 101.5, 102.5]);
    expect(Array.from(bars.volume)).toEqual([1.2, 1.21, 1.22]);
    expect(bars.ts[2]).toBe(Date.UTC(2024, 0, 1, 0, 2));
    await expect(parseCsv(path, { symbol: 'T', columnMap: { trades: 'spread' } })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
  });

  it('converts offsets to UTC and reads CRLF files', async () => {
    const { bars } = await parseCsv(fixture('offsets.csv'), { symbol: 'T' });
    expect(Array.from(bars.ts)).toEqual([0, 1, 2].map((m) => Date.UTC(2024, 0, 1, 0, m)));
    const crlf = await parseCsv(fixture('crlf.csv'), { symbol: 'T' });
    expect(Array.from(crlf.bars.volume)).toEqual([10, 11]);
  });

  it('reads naive timestamps in a declared zone across a DST jump', async () => {
    await expect(parseCsv(fixture('naive-prague-dst.csv'), { symbol: 'T' })).rejects.toMatchObject({
      code: 'TIMESTAMP_NO_ZONE',
    });
    const { bars, quality } = await parseCsv(fixture('naive-prague-dst.csv'), {
      symbol: 'T',
      timezone: 'Europe/Prague',
    });
    expect(Array.from(bars.ts)).toEqual([58, 59, 60, 61].map((m) => Date.UTC(2024, 2, 31, 0, m)));
    expect(quality.gapCount).toBe(0);
  });

  it('reads epoch seconds only when declared', async () => {
    await expect(parseCsv(fixture('epoch-seconds.csv'), { symbol: 'T' })).rejects.toMatchObject({
      code: 'BAD_TIMESTAMP',
      details: { line: 2 },
    });
    const { bars } = await parseCsv(fixture('epoch-seconds.csv'), { symbol: 'T', timestampFormat: 'epoch-s' });
    expect(bars.ts[0]).toBe(Date.UTC(2024, 0, 1));
    // the same numbers read as milliseconds are 60 ms apart: not 1m data
    await expect(
      parseCsv(fixture('epoch-seconds.csv'), { symbol: 'T', timestampFormat: 'epoch-ms' }),
    ).rejects.toMatchObject({ code: 'WRONG_SPACING' });
  });

  it('gives the same bars whatever the chunk size (lines split across reads)', async () => {
    const whole = await parseCsv(fixture('valid.csv'), { symbol: 'T' });
    for (const chunkBytes of [16, 37, 64, 1000]) {
      const chunked = await parseCsv(fixture('valid.csv'), { symbol: 'T', chunkBytes });
      expect(chunked.bars).toEqual(whole.bars);
      expect(chunked.sourceSha256).toBe(whole.sourceSha256);
    }
    const truncated = parseCsv(fixture('truncated-line.csv'), { symbol: 'T', chunkBytes: 16 });
    await expect(truncated).rejects.toMatchObject({ code: 'TRUNCATED_LINE', details: { line: 4 } });
  });
});
