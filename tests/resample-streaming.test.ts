import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex, sliceBars, type Bars, type Timeframe } from '@buff/core';
import {
  barsToTable,
  readBars,
  readDatasetManifest,
  resample,
  resampleDataset,
  synthesizeBars,
  writeDataset,
} from '@buff/ingest';
import { storeBatched } from './helpers/batched-dataset.js';
import { makeTempDir } from './helpers/tmp.js';

const { dir, cleanup } = makeTempDir('buff-resample-stream-');
afterAll(() => cleanup());

/** 3 days of 1m bars less the last 7 minutes (a partial last bucket for 5m..1d) and a 45-minute hole at minute 1990. */
function minuteBars(): Bars {
  const all = synthesizeBars({ days: 3, seed: 6, symbol: 'BTC-USD' });
  const n = all.ts.length - 7;
  const keep = [sliceBars(all, 0, 1990), sliceBars(all, 2035, n)];
  const joined = {} as Bars;
  for (const key of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
    joined[key] = new Float64Array(keep[0]!.ts.length + keep[1]!.ts.length);
    joined[key].set(keep[0]![key]);
    joined[key].set(keep[1]![key], keep[0]!.ts.length);
  }
  return joined;
}

describe('resampleDataset batch by batch', () => {
  // 997-row batches: buckets of every timeframe straddle batch boundaries.
  const bars = minuteBars();

  it('stores the bytes and content ids of a one-shot resample, across batch boundaries and the hole', async () => {
    const root = join(dir, 'a');
    await storeBatched(root, 'BTC-USD', '1m', bars, 997);
    for (const timeframe of ['5m', '15m', '1h', '4h', '1d'] as Timeframe[]) {
      for (const includePartial of [false, true]) {
        const table = await resampleDataset(root, 'BTC-USD', timeframe, { includePartial });
        const once = resample(bars, timeframe, { includePartial });
        const expected = tableToIPC(barsToTable(once), 'file'); // what the one-shot write stored
        const stored = readFileSync(join(root, 'BTC-USD', table.file));
        expect(Buffer.compare(stored, Buffer.from(expected)), `${timeframe} ${includePartial}`).toBe(0);
        expect(table).toMatchObject({ contentId: sha256Hex(expected), rows: once.ts.length, includePartial });
        expect((await readBars(root, 'BTC-USD', timeframe)).bars).toEqual(once);
      }
    }
    const manifest = await readDatasetManifest(root, 'BTC-USD');
    expect(Object.keys(manifest.tables).sort()).toEqual(['15m', '1d', '1h', '1m', '4h', '5m']);
    expect(manifest.tables['1h']?.derivedFrom).toBe(manifest.tables['1m']?.contentId);
  });

  it('gives the same table, gap count and manifest entry as the store gave before it streamed', async () => {
    const oneBatch = join(dir, 'b');
    await writeDataset(oneBatch, { symbol: 'BTC-USD', timeframe: '1m', bars, source: { kind: 'synthetic' } });
    const fromOne = await resampleDataset(oneBatch, 'BTC-USD', '15m');
    const many = join(dir, 'c');
    const { contentId } = await storeBatched(many, 'BTC-USD', '1m', bars, 997);
    const fromMany = await resampleDataset(many, 'BTC-USD', '15m');
    expect({ ...fromMany, derivedFrom: '' }).toEqual({ ...fromOne, derivedFrom: '' });
    expect(fromMany.derivedFrom).toBe(contentId);
    expect(fromOne.gapCount).toBe(1);
    expect(tableFromIPC(readFileSync(join(many, 'BTC-USD', fromMany.file))).batches).toHaveLength(1);
  });
});
