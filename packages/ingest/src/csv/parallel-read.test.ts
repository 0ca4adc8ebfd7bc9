import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestOptionsInput } from '@buff/core';
import { BarsFileWriter } from '../arrow/bars-file-writer.js';
import { parseCsv, readCsvForIngest } from './parse-csv.js';
import { createTimestampParser } from '../time/parse-timestamp.js';
import { readCsvColumns } from './read-csv.js';

// A file read on two threads (worker for the second part) must give exactly what one thread
// gives: the same bars and hash, or the same error with the same absolute line.

const ROWS = 3000;
const START = Date.UTC(2024, 0, 1);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'buff-parallel-read-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Line = (row: number, ts: number) => string;
const isoLine: Line = (row, ts) =>
  `${new Date(ts).toISOString()},${100 + (row % 7)},${101.25 + (row % 7)},${99.5},${100.5},${(row * 0.37).toFixed(6)}`;

function writeCsv(
  name: string,
  line: Line = isoLine,
  options: { header?: string; eol?: string; finalEol?: boolean } = {},
): string {
  const eol = options.eol ?? '\n';
  const lines = [options.header ?? 'timestamp,open,high,low,close,volume'];
  for (let row = 0; row < ROWS; row++) lines.push(line(row, START + row * 60_000));
  const path = join(dir, name);
  writeFileSync(path, lines.join(eol) + (options.finalEol === false ? '' : eol));
  return path;
}

async function outcome(path: string, options: Partial<IngestOptionsInput>, parallelBytes: number): Promise<unknown> {
  try {
    const { bars, quality, sourceSha256 } = await parseCsv(path, {
      symbol: 'TEST',
      parallelBytes,
      chunkBytes: 4096,
      ...options,
    });
    return { bars, quality, sourceSha256 };
  } catch (err) {
    const { code, message, details } = err as { code: string; message: string; details: unknown };
    return { code, message, details };
  }
}

async function expectSameOnTwoThreads(path: string, options: Partial<IngestOptionsInput> = {}): Promise<unknown> {
  const single = await outcome(path, options, Number.POSITIVE_INFINITY);
  const parallel = await outcome(path, options, 1);
  expect(parallel).toEqual(single);
  return parallel;
}

const late = (row: number): boolean => row === Math.floor(ROWS * 0.8);

/** The first data row the worker parses, as read-csv splits a small file (worker share 0.3). */
function boundaryRow(path: string): number {
  const text = readFileSync(path, 'latin1');
  const split = text.indexOf('\n', Math.floor(text.length * 0.7)) + 1;
  return text.slice(0, split).split('\n').length - 2;
}

describe('two-thread CSV read', () => {
  it("checks the worker's first row against the first part's last", async () => {
    const probe = writeCsv('probe.csv');
    const row = boundaryRow(probe);
    const path = writeCsv('boundary.csv', (r, ts) => isoLine(r, r === row ? ts - 60_000 : ts));
    const result = (await expectSameOnTwoThreads(path)) as { code: string; details: { line: number } };
    expect(result.code).toBe('DUPLICATE_TIMESTAMP');
    expect(result.details.line).toBe(row + 2);
  });

  it('reads the second part on a worker and gives the same bars and hash', async () => {
    const path = writeCsv('valid.csv');
    const timestamps = await createTimestampParser({ format: 'iso' });
    const read = await readCsvColumns(path, { file: path, timestamps, parallelBytes: 1, chunkBytes: 4096 });
    expect(read.parallel).toBe(true);
    expect(read.bars.ts.length).toBe(ROWS);
    const result = (await expectSameOnTwoThreads(path)) as { bars: { ts: Float64Array } };
    expect(result.bars.ts[ROWS - 1]).toBe(START + (ROWS - 1) * 60_000);
  });

  it('writes the ts column as Int64 on both threads: the stored table is the one a one-thread read stores', async () => {
    const path = writeCsv('int64.csv');
    const one = await readCsvForIngest(path, {
      symbol: 'ONE',
      parallelBytes: Number.POSITIVE_INFINITY,
      chunkBytes: 4096,
    });
    const two = await readCsvForIngest(path, { symbol: 'ONE', parallelBytes: 1, chunkBytes: 4096 });
    expect(one.tsInt64).toBeUndefined();
    expect(Array.from(two.tsInt64 ?? [], Number)).toEqual(Array.from(two.bars.ts));
    const stored = [one, two].map((read) => {
      const writer = new BarsFileWriter(undefined);
      writer.append(read.bars, 0, read.bars.ts.length, read.tsInt64);
      return writer.finish().sha256;
    });
    expect(stored[1]).toBe(stored[0]);
  });

  it.each<[string, Line, { eol?: string; finalEol?: boolean; header?: string }?, Partial<IngestOptionsInput>?]>([
    ['bad number', (row, ts) => (late(row) ? isoLine(row, ts).replace(',100.5,', ',abc,') : isoLine(row, ts))],
    ['non-finite number', (row, ts) => (late(row) ? isoLine(row, ts).replace(/,[^,]*$/, ',NaN') : isoLine(row, ts))],
    ['extra field', (row, ts) => (late(row) ? `${isoLine(row, ts)},7` : isoLine(row, ts))],
    ['empty line', (row, ts) => (late(row) ? '' : isoLine(row, ts))],
    [
      'truncated last line',
      (row, ts) => (row === ROWS - 1 ? isoLine(row, ts).slice(0, 30) : isoLine(row, ts)),
      { finalEol: false },
    ],
    [
      'other timestamp format in the second part',
      (row, ts) => (row > ROWS * 0.7 ? isoLine(row, ts).replace('Z,', '+00:00,') : isoLine(row, ts)),
    ],
    [
      'one row in another timestamp format',
      (row, ts) => (late(row) ? isoLine(row, ts).replace('.000Z,', 'Z,') : isoLine(row, ts)),
    ],
    ['bad timestamp', (row, ts) => (late(row) ? isoLine(row, ts).replace(/^2024-01/, '2024-13') : isoLine(row, ts))],
    ['duplicate timestamp', (row, ts) => isoLine(row, late(row) ? ts - 60_000 : ts)],
    ['gap', (row, ts) => isoLine(row, row >= ROWS * 0.8 ? ts + 60_000 : ts)],
    [
      'high below open',
      (row, ts) =>
        late(row)
          ? isoLine(row, ts).replace(/^([^,]*,[^,]*,)[^,]*/, (_, head: string) => `${head}1`)
          : isoLine(row, ts),
    ],
    ['duplicate timestamp in the first part', (row, ts) => isoLine(row, row === 100 ? ts - 60_000 : ts)],
    [
      'row rule broken early, number late (read errors first)',
      (row, ts) =>
        row === 100
          ? isoLine(row, ts).replace(/,[^,]*$/, ',-1')
          : late(row)
            ? isoLine(row, ts).replace(',100.5,', ',abc,')
            : isoLine(row, ts),
    ],
    [
      'row rules broken in both parts (the first part wins)',
      (row, ts) => isoLine(row, row === 100 || late(row) ? ts - 60_000 : ts),
    ],
    [
      'smallest step inside the second part',
      (row) => isoLine(row, START + row * 180_000 - (row > ROWS * 0.8 ? 60_000 : 0)),
      {},
      { allowGaps: true },
    ],
    [
      'gaps allowed, in both parts (the same gap list)',
      (row, ts) => isoLine(row, ts + (row > 100 ? 60_000 : 0) + (row > ROWS * 0.8 ? 180_000 : 0)),
      {},
      { allowGaps: true },
    ],
    ['CRLF line ends', isoLine, { eol: '\r\n' }],
    [
      'reordered and ignored columns, bad number late',
      (row, ts) => {
        const [time, open, ...rest] = isoLine(row, ts).split(',');
        return [open, time, ...rest, late(row) ? 'x' : '7'].join(',').replace(late(row) ? ',99.5,' : '\u0000', ',9e,');
      },
      { header: 'open,timestamp,high,low,close,volume,trades' },
      { columnMap: { trades: null } },
    ],
    ['no final newline', isoLine, { finalEol: false }],
    // The shared columns are sized from the first chunk's lines: longer ones there make both threads outgrow them.
    [
      'long lines first (both threads outgrow the shared columns)',
      (row, ts) => `${isoLine(row, ts)}${row < 80 ? '0'.repeat(60) : ''}`,
    ],
    [
      'long lines at both ends (the first part outgrows its share, the worker stays in place)',
      (row, ts) => `${isoLine(row, ts)}${row < 80 || row > ROWS * 0.6 ? '0'.repeat(60) : ''}`,
    ],
    [
      'long lines last (a wide gap between the two parts)',
      (row, ts) => `${isoLine(row, ts)}${row > ROWS * 0.5 ? '0'.repeat(60) : ''}`,
    ],
    [
      'naive timestamps in a declared zone',
      (row, ts) => isoLine(row, ts).replace('.000Z,', ','),
      {},
      { timezone: 'Europe/Prague' },
    ],
    [
      'epoch milliseconds',
      (row, ts) => isoLine(row, ts).replace(/^[^,]*/, String(ts)),
      {},
      { timestampFormat: 'epoch-ms' },
    ],
  ])('%s: same outcome as one thread', async (name, line, shape, options) => {
    const path = writeCsv(`${name.replace(/\W+/g, '-')}.csv`, line, shape ?? {});
    await expectSameOnTwoThreads(path, options ?? {});
  });
});
