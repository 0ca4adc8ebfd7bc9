import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetManifestSchema, allocateBars, isBuffError, sha256Hex } from '@buff/core';
import { barsToIpc } from '../arrow/bars-table.js';
import { synthesizeBars } from '../synthetic.js';
import { datasetInventory, formatInventoryMarkdown, formatInventoryText } from './inventory.js';
import { findTableByContentId, listDatasets } from './list-datasets.js';
import { readBars, readBarsVerifiedLater, readDatasetManifest, readQualityReport } from './read-dataset.js';
import { resampleDataset } from '../resample-dataset.js';
import { writeDataset } from './write-dataset.js';
import { BATCH_ROWS, BarsFileWriter } from '../arrow/bars-file-writer.js';

const SOURCE = { kind: 'synthetic' as const, params: { seed: 1 } };

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await promise.then(
    () => expect.unreachable(`expected ${code}`),
    (err: unknown) => expect(isBuffError(err) ? err.code : err).toBe(code),
  );
}

describe('dataset store', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'buff-store-'));
    cleanup = () => rmSync(root, { recursive: true, force: true });
  });
  afterEach(() => cleanup());

  it('round-trips bars and records the sha256 of the Arrow bytes as the content id', async () => {
    const bars = synthesizeBars({ days: 1, seed: 1, symbol: 'BTC-USD' });
    const table = await writeDataset(root, {
      symbol: 'BTC-USD',
      timeframe: '1m',
      bars,
      source: SOURCE,
      ingestOptions: { allowGaps: false },
    });
    expect(table.file).toBe(`1m.${table.contentId.slice(0, 16)}.arrow`); // named by its content
    const bytes = readFileSync(join(root, 'BTC-USD', table.file));
    expect(table.contentId).toBe(sha256Hex(bytes));
    expect(table).toMatchObject({
      rows: 1440,
      gapCount: 0,
      first: '2024-01-01T00:00:00.000Z',
      last: '2024-01-01T23:59:00.000Z',
      bytes: bytes.length,
    });
    const read = await readBars(root, 'BTC-USD', '1m');
    expect(read.bars).toEqual(bars);
    const manifest = await readDatasetManifest(root, 'BTC-USD');
    expect(
      DatasetManifestSchema.parse(JSON.parse(readFileSync(join(root, 'BTC-USD', 'dataset.json'), 'utf8'))),
    ).toEqual(manifest);
    expect(manifest).toMatchObject({ symbol: 'BTC-USD', source: SOURCE, ingestOptions: { allowGaps: false } });
    expect(readdirSync(join(root, 'BTC-USD')).sort()).toEqual([table.file, 'dataset.json']);
  });

  it('stores derived tables with derivedFrom = the 1m content id, and a 1m rewrite drops them', async () => {
    const one = await writeDataset(root, {
      symbol: 'ETH-USD',
      timeframe: '1m',
      bars: synthesizeBars({ days: 1, seed: 2 }),
      source: SOURCE,
    });
    const hourly = await resampleDataset(root, 'ETH-USD', '1h');
    expect(hourly).toMatchObject({
      timeframe: '1h',
      rows: 24,
      derivedFrom: one.contentId,
      includePartial: false,
      file: `1h.${hourly.contentId.slice(0, 16)}.arrow`,
    });
    expect((await readBars(root, 'ETH-USD', '1h')).bars.ts.length).toBe(24);
    expect(Object.keys((await readDatasetManifest(root, 'ETH-USD')).tables).sort()).toEqual(['1h', '1m']);

    const again = await writeDataset(root, {
      symbol: 'ETH-USD',
      timeframe: '1m',
      bars: synthesizeBars({ days: 1, seed: 3 }),
      source: SOURCE,
    });
    expect(Object.keys((await readDatasetManifest(root, 'ETH-USD')).tables)).toEqual(['1m']);
    expect(readdirSync(join(root, 'ETH-USD')).sort()).toEqual([again.file, 'dataset.json']); // old 1m and 1h removed
    await expectCode(readBars(root, 'ETH-USD', '1h'), 'DATASET_NOT_FOUND');
  });

  it('writes and reads the quality report', async () => {
    const quality = {
      symbol: 'BTC-USD',
      timeframe: '1m' as const,
      source: 'x.csv',
      rows: 1440,
      first: null,
      last: null,
      expectedRows: 1440,
      gapCount: 0,
      missingBars: 0,
      gaps: [],
      gapsAllowed: false,
      rules: { ORDER: { checked: 1440, violations: 0 } },
    };
    await writeDataset(root, {
      symbol: 'BTC-USD',
      timeframe: '1m',
      bars: synthesizeBars({ days: 1, seed: 1 }),
      quality,
      source: SOURCE,
    });
    expect(await readQualityReport(root, 'BTC-USD')).toEqual(quality);
    await writeDataset(root, {
      symbol: 'BTC-USD',
      timeframe: '1m',
      bars: synthesizeBars({ days: 1, seed: 1 }),
      source: SOURCE,
    });
    expect(await readQualityReport(root, 'BTC-USD')).toBeUndefined();
  });

  it('stores exactly the bytes of barsToIpc, so an in-memory resample gets the content id the store would', async () => {
    const bars = synthesizeBars({ days: 3, seed: 5 });
    const table = await writeDataset(root, { symbol: 'BTC-USD', timeframe: '1m', bars, source: SOURCE });
    const expected = sha256Hex(barsToIpc(bars));
    expect(sha256Hex(readFileSync(join(root, 'BTC-USD', table.file)))).toBe(expected);
    expect(table.contentId).toBe(expected);
  });

  it('detects a corrupted Arrow file (CORRUPT_ARTIFACT)', async () => {
    const { file } = await writeDataset(root, {
      symbol: 'BTC-USD',
      timeframe: '1m',
      bars: synthesizeBars({ days: 1, seed: 1 }),
      source: SOURCE,
    });
    const path = join(root, 'BTC-USD', file);
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0xff;
    writeFileSync(path, bytes);
    await expectCode(readBars(root, 'BTC-USD', '1m'), 'CORRUPT_ARTIFACT');
  });

  it('reads bars ahead of their hash check: verified resolves for intact bytes, rejects for flipped or cut ones', async () => {
    const bars = synthesizeBars({ days: 1, seed: 1 });
    const { file } = await writeDataset(root, { symbol: 'BTC-USD', timeframe: '1m', bars, source: SOURCE });
    const intact = await readBarsVerifiedLater(root, 'BTC-USD', '1m');
    await intact.verified;
    expect(intact.bars.close).toEqual(bars.close);
    const path = join(root, 'BTC-USD', file);
    const bytes = readFileSync(path);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length >> 1] = (flipped[flipped.length >> 1] as number) ^ 0xff;
    writeFileSync(path, flipped);
    const late = await readBarsVerifiedLater(root, 'BTC-USD', '1m'); // a flipped value still parses
    await expectCode(late.verified, 'CORRUPT_ARTIFACT');
    writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
    await expectCode(readBarsVerifiedLater(root, 'BTC-USD', '1m'), 'CORRUPT_ARTIFACT'); // cut bytes do not parse
  });

  it('rejects a damaged dataset.json as CORRUPT_ARTIFACT and a missing dataset as DATASET_NOT_FOUND', async () => {
    await expectCode(readBars(root, 'NOPE', '1m'), 'DATASET_NOT_FOUND');
    await writeDataset(root, {
      symbol: 'BTC-USD',
      timeframe: '1m',
      bars: synthesizeBars({ days: 1, seed: 1 }),
      source: SOURCE,
    });
    writeFileSync(join(root, 'BTC-USD', 'dataset.json'), '{"schemaVersion":1');
    await expectCode(readDatasetManifest(root, 'BTC-USD'), 'CORRUPT_ARTIFACT');
  });

  it('writes nothing when the input is rejected', async () => {
    const bars = synthesizeBars({ days: 1, seed: 1 });
    bars.ts[10] = bars.ts[9] as number;
    await expectCode(
      writeDataset(root, { symbol: 'BTC-USD', timeframe: '1m', bars, source: SOURCE }),
      'UNORDERED_TIMESTAMP',
    );
    await expectCode(writeDataset(root, { symbol: '../evil', timeframe: '1m', bars, source: SOURCE }), 'INVALID_INPUT');
    const badQuality = { symbol: 'X' } as never;
    await expectCode(
      writeDataset(root, {
        symbol: 'BTC-USD',
        timeframe: '1m',
        bars: synthesizeBars({ days: 1, seed: 1 }),
        quality: badQuality,
        source: SOURCE,
      }),
      'INVALID_INPUT',
    );
    await expectCode(
      writeDataset(root, { symbol: 'BTC-USD', timeframe: '5m', bars: allocateBars(0), source: SOURCE }),
      'DATASET_NOT_FOUND',
    );
    expect(readdirSync(root)).toEqual(existsSync(join(root, 'BTC-USD')) ? ['BTC-USD'] : []);
    if (existsSync(join(root, 'BTC-USD'))) expect(readdirSync(join(root, 'BTC-USD'))).toEqual([]);
  });

  it('writes a table larger than one record batch in batches of BATCH_ROWS: the bytes a streamed ingest writes', async () => {
    const bars = synthesizeBars({ days: 100, seed: 1 }); // 144,000 rows: two batches
    expect(bars.ts.length).toBeGreaterThan(BATCH_ROWS);
    const table = await writeDataset(root, { symbol: 'BIG', timeframe: '1m', bars, source: SOURCE });
    const streamed = new BarsFileWriter(undefined);
    for (let at = 0; at < bars.ts.length; at += 1000) streamed.append(bars, at, Math.min(at + 1000, bars.ts.length));
    expect(table.contentId).toBe(streamed.finish().sha256);
    const stored = tableFromIPC(readFileSync(join(root, 'BIG', table.file)));
    expect(stored.batches.map((batch) => batch.numRows)).toEqual([BATCH_ROWS, bars.ts.length - BATCH_ROWS]);
    expect((await readBars(root, 'BIG', '1m')).bars.close).toEqual(bars.close);
  });

  it('keeps the previous version intact when a write fails midway', async () => {
    const first = await writeDataset(root, {
      symbol: 'BTC-USD',
      timeframe: '1m',
      bars: synthesizeBars({ days: 1, seed: 1 }),
      source: SOURCE,
    });
    const bars = synthesizeBars({ days: 1, seed: 2 });
    bars.volume = bars.volume.subarray(1); // column lengths differ
    await expectCode(writeDataset(root, { symbol: 'BTC-USD', timeframe: '1m', bars, source: SOURCE }), 'INVALID_INPUT');
    expect((await readBars(root, 'BTC-USD', '1m')).table.contentId).toBe(first.contentId);
    expect(readdirSync(join(root, 'BTC-USD')).sort()).toEqual([first.file, 'dataset.json']);
  });

  it('lists datasets by symbol, finds tables by content id and prints the inventory', async () => {
    expect(await listDatasets(join(root, 'absent'))).toEqual([]);
    const b = await writeDataset(root, {
      symbol: 'B',
      timeframe: '1m',
      bars: synthesizeBars({ days: 1, seed: 1, symbol: 'B' }),
      source: SOURCE,
    });
    await writeDataset(root, {
      symbol: 'A',
      timeframe: '1m',
      bars: synthesizeBars({ days: 1, seed: 1 }),
      source: SOURCE,
    });
    const fiveMinute = await resampleDataset(root, 'A', '5m');
    expect((await listDatasets(root)).map((m) => m.symbol)).toEqual(['A', 'B']);
    expect(await findTableByContentId(root, fiveMinute.contentId)).toEqual({ symbol: 'A', table: fiveMinute });
    expect((await findTableByContentId(root, b.contentId))?.symbol).toBe('B');
    expect(await findTableByContentId(root, '0'.repeat(64))).toBeUndefined();

    const rows = await datasetInventory(root);
    expect(rows.map((r) => `${r.symbol}/${r.timeframe}`)).toEqual(['A/1m', 'A/5m', 'B/1m']);
    const text = formatInventoryText(rows);
    expect(text.split('\n')[0]).toMatch(/^symbol\s+timeframe\s+rows\s+first\s+last\s+gaps\s+content id/);
    expect(text).toContain(fiveMinute.contentId.slice(0, 12));
    const markdown = formatInventoryMarkdown(rows);
    expect(markdown).toContain('| A | 5m | 288 | 2024-01-01T00:00:00.000Z | 2024-01-01T23:55:00.000Z | 0 |');
  });

  it('counts gaps of the stored table', async () => {
    const bars = synthesizeBars({ days: 1, seed: 1 });
    const keep = Array.from(bars.ts.keys()).filter((i) => i % 100 !== 50);
    const gapped = allocateBars(keep.length);
    for (const column of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const)
      gapped[column].set(keep.map((i) => bars[column][i] as number));
    const table = await writeDataset(root, { symbol: 'GAPPY', timeframe: '1m', bars: gapped, source: SOURCE });
    expect(table.gapCount).toBe(14);
  });
});
