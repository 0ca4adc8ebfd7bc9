import { readFileSync, writeFileSync } from 'node:fs';
import { RecordBatchReader } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuffError, sliceBars, type Bars } from '@buff/core';
import { openTableBatches, readBarBatches, readBars, readBarsVerifiedLater, synthesizeBars } from '@buff/ingest';
import { storeBatched } from './helpers/batched-dataset.js';
import { makeTempDir } from './helpers/tmp.js';

const ROWS_PER_BATCH = 1000;
const MIN = 60_000;

/** Bars of 5000 minutes with a 30-minute hole right at the start of the third batch. */
function gappedBars(): Bars {
  const all = synthesizeBars({ days: 4, seed: 3, symbol: 'BTC-USD' });
  const keep = (from: number, to: number) => sliceBars(all, from, to);
  const head = keep(0, 2 * ROWS_PER_BATCH);
  const tail = keep(2 * ROWS_PER_BATCH + 30, 5000 + 30);
  const joined = {} as Bars;
  for (const key of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
    joined[key] = new Float64Array(5000);
    joined[key].set(head[key]);
    joined[key].set(tail[key], head.ts.length);
  }
  return joined;
}

/** The bars of `bars` with from <= ts < to, copied (what a window read must return). */
function windowOf(bars: Bars, from: number, to: number): Bars {
  const start = bars.ts.findIndex((t) => t >= from);
  const end = bars.ts.findIndex((t) => t >= to);
  return sliceBars(bars, start === -1 ? bars.ts.length : start, end === -1 ? bars.ts.length : end);
}

describe('record-batch readers of stored tables', () => {
  let root: string;
  let cleanup: () => void;
  let bars: Bars;
  let path: string;
  beforeEach(async () => {
    ({ dir: root, cleanup } = makeTempDir('buff-read-batches-'));
    bars = gappedBars();
    const stored = await storeBatched(root, 'BTC-USD', '1m', bars, ROWS_PER_BATCH);
    expect(stored.batches).toBe(5);
    path = stored.path;
  });
  afterEach(() => cleanup());

  it('iterates the batches of the file in order and reads the whole table back', async () => {
    const sizes: number[] = [];
    for await (const batch of readBarBatches(root, 'BTC-USD', '1m')) {
      sizes.push(batch.bars.ts.length);
      expect(Array.from(batch.tsInt64, Number)).toEqual(Array.from(batch.bars.ts));
    }
    expect(sizes).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect((await readBars(root, 'BTC-USD', '1m')).bars).toEqual(bars);
  });

  it('reads windows that start and end on batch boundaries, inside batches and in the hole', async () => {
    const ts = (i: number) => bars.ts[i] as number;
    const windows: Array<[number, number]> = [
      [ts(1000), ts(2000)], // exactly the second batch
      [ts(999), ts(1001)], // the last bar of one batch and the first of the next
      [ts(1999) + MIN, ts(2000) + MIN], // starts in the hole, ends after the third batch's first bar
      [ts(0) - 10 * MIN, ts(0)], // before the data: empty
      [ts(4999) + MIN, ts(4999) + 10 * MIN], // after the data: empty
      [ts(2500), ts(4999) + MIN], // to the end
    ];
    for (const [from, to] of windows) {
      const { bars: read, tsInt64 } = await readBarsVerifiedLater(root, 'BTC-USD', '1m', { from, to });
      expect(read, `[${from}, ${to})`).toEqual(windowOf(bars, from, to));
      expect(Array.from(tsInt64 ?? [], Number)).toEqual(Array.from(read.ts));
    }
  });

  it('skips the batches outside the window: a broken last batch does not stop a read of the first two', async () => {
    const bytes = readFileSync(path);
    const reader = RecordBatchReader.from(bytes);
    reader.open();
    const last = reader.footer?.getRecordBatch(reader.numRecordBatches - 1);
    if (!last) throw new Error('no footer');
    bytes.fill(0x5a, last.offset, last.offset + last.metaDataLength); // its metadata no longer parses
    writeFileSync(path, bytes);

    const window = { from: bars.ts[0] as number, to: bars.ts[2 * ROWS_PER_BATCH] as number };
    const read = await readBarsVerifiedLater(root, 'BTC-USD', '1m', window);
    expect(read.bars).toEqual(windowOf(bars, window.from, window.to));
    await expect(read.verified).rejects.toSatisfy((err) => isBuffError(err, 'CORRUPT_ARTIFACT'));
    await expect(readBars(root, 'BTC-USD', '1m')).rejects.toSatisfy((err) => isBuffError(err, 'CORRUPT_ARTIFACT'));
  });

  it('checks the content id after the last batch and opens only stored tables', async () => {
    const bytes = readFileSync(path);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 1; // a flipped footer byte
    writeFileSync(path, bytes);
    const opened = await openTableBatches(root, 'BTC-USD', '1m');
    await expect(opened.verified).rejects.toSatisfy((err) => isBuffError(err, 'CORRUPT_ARTIFACT'));
    await expect(
      (async () => {
        for await (const _ of readBarBatches(root, 'BTC-USD', '1m', { to: bars.ts[10] as number }));
      })(),
    ).rejects.toSatisfy((err) => isBuffError(err, 'CORRUPT_ARTIFACT'));
    await expect(openTableBatches(root, 'BTC-USD', '1h')).rejects.toSatisfy((err) =>
      isBuffError(err, 'DATASET_NOT_FOUND'),
    );
  });
});
