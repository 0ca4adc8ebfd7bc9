import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AsyncRecordBatchFileReader,
  Float64,
  RecordBatchReader,
  Table,
  tableToIPC,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bars } from '@buff/core';
import { BATCH_ROWS } from '../arrow/bars-file-writer.js';
import { barsToTable } from '../arrow/bars-table.js';
import { synthesizeBars } from '../synthetic.js';
import { openTableBatches } from './read-batches.js';
import { readWindowColumns } from './read-columns.js';
import { readBarsVerifiedLater } from './read-dataset.js';
import { writeDataset } from './write-dataset.js';

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/** The window's bars read through Arrow's record batches, joined (the path the direct read replaces). */
async function viaBatches(root: string, window: { from?: number; to?: number }): Promise<Record<string, number[]>> {
  const opened = await openTableBatches(root, 'BTC-USD', '1m', window);
  const out: Record<string, number[]> = Object.fromEntries([...COLUMNS, 'tsInt64'].map((c) => [c, []]));
  for await (const batch of opened.batches()) {
    for (const c of COLUMNS) for (const v of batch.bars[c]) out[c]?.push(v);
    for (const v of batch.tsInt64) out.tsInt64?.push(Number(v));
  }
  await opened.verified;
  return out;
}

/** The first index where the two differ (length included), -1 when equal value for value. */
function mismatch(actual: ArrayLike<number> | undefined, expected: number[] | undefined): number {
  if (actual === undefined || expected === undefined) return 0;
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) if (!Object.is(actual[i], expected[i])) return i;
  return actual.length === expected.length ? -1 : n;
}

describe('columns read straight from a stored table', () => {
  let root: string;
  let bars: Bars;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'buff-columns-'));
    bars = synthesizeBars({ days: 200, seed: 3, symbol: 'BTC-USD' }); // 288,000 bars: three record batches
    await writeDataset(root, { symbol: 'BTC-USD', timeframe: '1m', bars, source: { kind: 'synthetic' } });
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gives the bars the record batches give, for windows inside, across and outside the batches', async () => {
    const ts = bars.ts;
    const at = (i: number) => ts[i] as number;
    const edge = BATCH_ROWS; // first row of the second batch
    const windows = [
      {},
      { from: at(1000) },
      { to: at(edge) },
      { from: at(edge), to: at(2 * edge) },
      { from: at(edge - 1) + 1, to: at(edge + 5) },
      { from: at(10) + 30_000, to: at(20) - 1 },
      { from: at(5000), to: at(5000) },
      { from: at(0) - 86_400_000, to: at(ts.length - 1) + 86_400_000 },
      { from: at(ts.length - 1) + 1 },
    ];
    for (const window of windows) {
      const opened = await openTableBatches(root, 'BTC-USD', '1m', window);
      const direct = await opened.columns();
      await opened.verified;
      expect(direct, JSON.stringify(window)).toBeDefined(); // the plain layout Buff writes: no fallback
      const expected = await viaBatches(root, window);
      for (const c of COLUMNS)
        expect(mismatch(direct?.bars[c], expected[c]), `${c} ${JSON.stringify(window)}`).toBe(-1);
      expect(mismatch(Array.from(direct?.tsInt64 ?? [], Number), expected.tsInt64)).toBe(-1);
      const read = await readBarsVerifiedLater(root, 'BTC-USD', '1m', window);
      expect(mismatch(read.bars.close, expected.close)).toBe(-1);
    }
  });

  it('leaves a table with nulls to the record batches (undefined)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'buff-columns-nulls-'));
    try {
      const plain = barsToTable(synthesizeBars({ days: 1, seed: 1 }));
      const volume = vectorFromArray([null, ...Array.from(plain.getChild('volume') ?? []).slice(1)], new Float64());
      const columns = Object.fromEntries(COLUMNS.map((c) => [c, c === 'volume' ? volume : plain.getChild(c)]));
      const path = join(dir, 'nulls.arrow');
      writeFileSync(path, tableToIPC(new Table(columns as Record<string, Vector>), 'file'));
      const handle = await open(path, 'r');
      try {
        const reader = (await RecordBatchReader.from(handle)) as AsyncRecordBatchFileReader;
        await reader.open();
        expect(await readWindowColumns(handle, reader, {})).toBeUndefined();
      } finally {
        await handle.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
