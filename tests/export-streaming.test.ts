import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuffError, sha256Hex, type Bars } from '@buff/core';
import { barsToCsv, barsToParquet, exportDataset, synthesizeBars } from '@buff/ingest';
import { storeBatched } from './helpers/batched-dataset.js';
import { makeTempDir } from './helpers/tmp.js';

// 80 days of 1m bars (115,200 rows) in 7,777-row record batches: Parquet row groups (1000, then
// 100,000 rows) and CSV pieces fall across batch boundaries.
const { dir: root, cleanup } = makeTempDir('buff-export-stream-');
let bars: Bars;
let tablePath: string;
beforeAll(async () => {
  bars = synthesizeBars({ days: 80, seed: 4, symbol: 'BTC-USD' });
  const stored = await storeBatched(root, 'BTC-USD', '1m', bars, 7777);
  expect(stored.batches).toBe(15);
  tablePath = stored.path;
}, 60_000);
afterAll(() => cleanup());

describe('streaming export', () => {
  it('writes the CSV and Parquet bytes of a one-shot export of the whole table', async () => {
    for (const format of ['csv', 'parquet'] as const) {
      const out = join(root, 'out', `btc.${format}`);
      const result = await exportDataset(root, { symbol: 'BTC-USD', timeframe: '1m', format, out });
      const expected = format === 'csv' ? Buffer.from(barsToCsv(bars), 'utf8') : barsToParquet(bars);
      const written = readFileSync(out);
      expect(written.equals(Buffer.from(expected)), format).toBe(true);
      expect(result).toMatchObject({ rows: 115_200, bytes: written.length, sha256: sha256Hex(written) });
    }
    expect(readdirSync(join(root, 'out')).sort()).toEqual(['btc.csv', 'btc.parquet']); // no temp file left
  }, 60_000);

  it('writes nothing when the table does not match its content id', async () => {
    const bytes = readFileSync(tablePath);
    bytes[bytes.length - 4000] = (bytes[bytes.length - 4000] as number) ^ 1; // a value in the last batch
    writeFileSync(tablePath, bytes);
    const out = join(root, 'bad', 'btc.csv');
    await expect(exportDataset(root, { symbol: 'BTC-USD', timeframe: '1m', format: 'csv', out })).rejects.toSatisfy(
      (err) => isBuffError(err, 'CORRUPT_ARTIFACT'),
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(root, 'bad'))).toEqual([]);
  }, 60_000);
});
