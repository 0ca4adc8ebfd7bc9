import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IngestOptionsInput } from '@buff/core';
import { ingestCsv } from '../ingest-csv.js';
import { parseCsv } from './parse-csv.js';

// ingestCsv streams the file in blocks (this thread's and a worker's in turn): whatever the blocks,
// it must store what a whole-file read gives (same bars, quality, hash, content id), or refuse with
// the same error at the same absolute line, and leave nothing behind.

const ROWS = 3000;
const START = Date.UTC(2024, 0, 1);
const dir = mkdtempSync(join(tmpdir(), 'buff-stream-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Line = (row: number, ts: number) => string;
const isoLine: Line = (row, ts) =>
  `${new Date(ts).toISOString()},${100 + (row % 7)},${101.25 + (row % 7)},99.5,100.5,${(row * 0.37).toFixed(6)}`;

function writeCsv(name: string, line: Line = isoLine): string {
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let row = 0; row < ROWS; row++) lines.push(line(row, START + row * 60_000));
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Small blocks on one thread, and with a worker; then one whole block on one thread. */
const READS = [
  { blockBytes: 3000, parallelBytes: Number.POSITIVE_INFINITY },
  { blockBytes: 2000, parallelBytes: 1 },
  { blockBytes: 2 ** 30, parallelBytes: Number.POSITIVE_INFINITY },
];

async function ingested(path: string, options: Partial<IngestOptionsInput>, read: (typeof READS)[number]) {
  const dataRoot = join(dir, `data-${Math.random().toString(36).slice(2)}`);
  try {
    const result = await ingestCsv(path, { symbol: 'TEST', dataRoot, chunkBytes: 1024, ...read, ...options });
    const bars = await result.readBars();
    return { rows: result.rows, contentId: result.contentId, quality: result.quality, sha: result.sourceSha256, bars };
  } catch (err) {
    const { code, message, details } = err as { code: string; message: string; details: unknown };
    expect(readdirSync(dir).filter((name) => name === dataRoot.split('/').pop())).toEqual([]); // nothing left
    return { code, message, details };
  }
}

async function expectSameWhateverTheBlocks(path: string, options: Partial<IngestOptionsInput> = {}) {
  const [first, ...others] = await Promise.all(READS.map((read) => ingested(path, options, read)));
  for (const other of others) expect(other).toEqual(first);
  return first as Record<string, unknown>;
}

describe('ingestCsv streams in blocks', () => {
  it('stores the same table, quality report and content id whatever the blocks and threads', async () => {
    const path = writeCsv('gaps.csv', (row, ts) => isoLine(row, ts + Math.floor(row / 700) * 5 * 60_000));
    const stored = await expectSameWhateverTheBlocks(path, { allowGaps: true });
    const whole = await parseCsv(path, { symbol: 'TEST', allowGaps: true });
    expect(stored.quality).toEqual(whole.quality);
    expect(stored.bars).toEqual(whole.bars);
    expect(stored.rows).toBe(ROWS);
    expect((stored.quality as { gapCount: number }).gapCount).toBe(4);
  });

  it('refuses with the same error and line as a whole-file read, in any block', async () => {
    const cases: Array<[string, Line, string, number]> = [
      ['dup-late.csv', (row, ts) => isoLine(row, row === 2500 ? ts - 60_000 : ts), 'DUPLICATE_TIMESTAMP', 2502],
      ['dup-early.csv', (row, ts) => isoLine(row, row === 40 ? ts - 60_000 : ts), 'DUPLICATE_TIMESTAMP', 42],
      [
        'bad-number.csv',
        (row, ts) => (row === 1800 ? isoLine(row, ts).replace('99.5', '9x') : isoLine(row, ts)),
        'BAD_NUMBER',
        1802,
      ],
      [
        'high-low.csv',
        (row, ts) => (row === 1234 ? isoLine(row, ts).replace(',99.5,', ',500,') : isoLine(row, ts)),
        'LOW_ABOVE_OPEN_CLOSE',
        1236,
      ],
      // a field error later in the file wins over a row error before it, as in a whole-file read
      [
        'both.csv',
        (row, ts) => (row === 2900 ? 'x,1,1,1,1,1' : isoLine(row, row === 100 ? ts - 60_000 : ts)),
        'BAD_TIMESTAMP',
        2902,
      ],
    ];
    for (const [name, line, code, at] of cases) {
      const path = writeCsv(name, line);
      const refused = await expectSameWhateverTheBlocks(path);
      expect(refused, name).toMatchObject({ code, details: { line: at } });
      const whole = await parseCsv(path, { symbol: 'TEST' }).catch((err: { code: string; details: unknown }) => err);
      expect(whole, name).toMatchObject({ code, details: { line: at } });
    }
  });

  it('refuses a gap (not allowed) and a wrong timeframe at the row a whole-file read names', async () => {
    const gap = writeCsv('gap.csv', (row, ts) => isoLine(row, row >= 2200 ? ts + 60_000 : ts));
    expect(await expectSameWhateverTheBlocks(gap)).toMatchObject({ code: 'GAP', details: { line: 2202 } });
    const fiveMinutes = writeCsv('5m.csv', (row) => isoLine(row, START + row * 300_000));
    expect(await expectSameWhateverTheBlocks(fiveMinutes)).toMatchObject({ code: 'WRONG_SPACING' });
  });
});
