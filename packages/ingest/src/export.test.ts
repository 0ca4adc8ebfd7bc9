import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { DuckDBInstance } from '@duckdb/node-api';
import { isBuffError, sha256Hex } from '@buff/core';
import { readBars } from './store/read-dataset.js';
import { resampleDataset } from './resample-dataset.js';
import { writeDataset } from './store/write-dataset.js';
import { exportDataset } from './export.js';
import { synthesizeBars } from './synthetic.js';

describe('exportDataset', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'buff-export-'));
    cleanup = () => rmSync(root, { recursive: true, force: true });
    await writeDataset(root, {
      symbol: 'BTC-USD',
      timeframe: '1m',
      bars: synthesizeBars({ days: 2, seed: 9, symbol: 'BTC-USD' }),
      source: { kind: 'synthetic' },
    });
    await resampleDataset(root, 'BTC-USD', '5m');
  });
  afterEach(() => cleanup());

  it('writes CSV with ISO timestamps and numbers that round-trip exactly', async () => {
    const out = join(root, 'out', 'btc_5m.csv');
    const result = await exportDataset(root, { symbol: 'BTC-USD', timeframe: '5m', format: 'csv', out });
    const { bars, table } = await readBars(root, 'BTC-USD', '5m');
    const text = readFileSync(out, 'utf8');
    expect(result).toMatchObject({
      rows: 576,
      format: 'csv',
      contentId: table.contentId,
      sha256: sha256Hex(Buffer.from(text)),
    });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,open,high,low,close,volume');
    expect(lines).toHaveLength(577);
    lines.slice(1).forEach((line, i) => {
      const [ts, ...values] = line.split(',');
      expect(Date.parse(ts as string)).toBe(bars.ts[i]);
      expect(ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
      expect(values.map(Number)).toEqual([bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]]);
    });
  });

  it('writes Parquet that hyparquet and DuckDB read back with a UTC millisecond timestamp', async () => {
    const out = join(root, 'btc_1m.parquet');
    const result = await exportDataset(root, { symbol: 'BTC-USD', timeframe: '1m', format: 'parquet', out });
    const { bars } = await readBars(root, 'BTC-USD', '1m');
    expect(result.rows).toBe(2880);

    const file = await asyncBufferFromFile(out);
    const metadata = await parquetMetadataAsync(file);
    const tsElement = metadata.schema.find((element) => element.name === 'ts');
    expect(tsElement).toMatchObject({
      type: 'INT64',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
    });
    const rows = (await parquetReadObjects({ file, utf8: true })) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(2880);
    expect((rows[0]?.ts as Date).getTime()).toBe(bars.ts[0]);
    expect((rows[2879]?.ts as Date).getTime()).toBe(bars.ts[2879]);
    expect(rows[100]).toMatchObject({
      open: bars.open[100],
      high: bars.high[100],
      low: bars.low[100],
      close: bars.close[100],
      volume: bars.volume[100],
    });

    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, epoch_ms(min(ts))::DOUBLE AS first, sum(volume) AS volume, typeof(min(ts)) AS type FROM read_parquet('${out}')`,
      );
      const [row] = reader.getRowObjectsJS();
      const volume = bars.volume.reduce((sum, v) => sum + v, 0);
      expect(row).toMatchObject({ n: 2880, first: bars.ts[0], type: 'TIMESTAMP WITH TIME ZONE' });
      expect(Math.abs((row?.volume as number) - volume) / volume).toBeLessThan(1e-12);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('rejects an unknown format and a missing table, writing nothing', async () => {
    const out = join(root, 'x.out');
    await expect(
      exportDataset(root, { symbol: 'BTC-USD', timeframe: '5m', format: 'xlsx' as never, out }),
    ).rejects.toSatisfy((err) => isBuffError(err, 'INVALID_INPUT'));
    await expect(exportDataset(root, { symbol: 'BTC-USD', timeframe: '1h', format: 'csv', out })).rejects.toSatisfy(
      (err) => isBuffError(err, 'DATASET_NOT_FOUND'),
    );
    expect(readdirSync(root)).toEqual(['BTC-USD']);
  });
});
