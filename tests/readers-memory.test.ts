import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bars } from '@buff/core';
import { readBars, resample, synthesizeBars } from '@buff/ingest';
import { BATCH_ROWS } from '../packages/ingest/src/arrow/bars-file-writer.js';
import { runBuilt } from './helpers/built-cli.js';
import { storeBatched } from './helpers/batched-dataset.js';
import { makeTempDir } from './helpers/tmp.js';

// 1,000 days of 1m bars (1.44M rows): a 66 MB Arrow file in 2^17-row record batches (the layout
// a streaming write gives), larger than the 64 MB heap the built CLI runs with below. Before the
// read side streamed, `data export` ran out of that heap (the CSV was one string) and `resample`
// held the whole file: peak RSS above the baseline plus the table.
const HEAP_MB = 64;
const { dir, cleanup } = makeTempDir('buff-readers-memory-');
const dataRoot = join(dir, 'data');
let bars: Bars;
let tableBytes: number;
beforeAll(async () => {
  bars = synthesizeBars({ days: 1000, seed: 2, symbol: 'BIG-USD' });
  const stored = await storeBatched(dataRoot, 'BIG-USD', '1m', bars, BATCH_ROWS);
  tableBytes = statSync(stored.path).size;
}, 120_000);
afterAll(() => cleanup());

/** Runs the built `buff` with a 64 MB heap; returns its JSON result and the peak RSS it reported. */
async function runCapped(args: string[]): Promise<{ json: Record<string, any>; maxRssMb: number }> {
  // The heap flag changes V8's flags, so the build's code cache does not apply: 'on' uses it when valid.
  const env = { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`, BUFF_REPORT_RSS: '1', BUFF_CODE_CACHE: 'on' };
  const result = await runBuilt([...args, '--data-root', dataRoot, '--json'], { env });
  expect(result.code, result.stderr).toBe(0);
  const rss = /maxRSS (\d+(?:\.\d+)?) MB/.exec(result.stderr);
  if (!rss) throw new Error(`no maxRSS line in: ${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return { json: JSON.parse(lines[lines.length - 1] as string), maxRssMb: Number(rss[1]) };
}

async function lastLine(path: string): Promise<{ lines: number; last: string }> {
  let lines = 0;
  let last = '';
  for await (const line of createInterface({ input: createReadStream(path) })) {
    lines++;
    last = line;
  }
  return { lines, last };
}

describe('bounded memory of the built buff resample and data export', () => {
  it('resamples and exports a table larger than the heap, batch by batch', async () => {
    expect(tableBytes).toBeGreaterThan(HEAP_MB * 2 ** 20);
    const baseline = await runCapped(['data', 'list']); // the CLI's own footprint
    const bound = baseline.maxRssMb + tableBytes / 2 ** 20;
    const resampled = await runCapped(['resample', '--symbol', 'BIG-USD', '--timeframe', '5m']);
    const expected = resample(bars, '5m');
    expect(resampled.json.table.rows).toBe(expected.ts.length);
    expect((await readBars(dataRoot, 'BIG-USD', '5m')).bars).toEqual(expected);

    const out = join(dir, 'big.csv');
    const exported = await runCapped(['data', 'export', '--symbol', 'BIG-USD', '--format', 'csv', '--out', out]);
    expect(exported.json.rows).toBe(bars.ts.length);
    const { lines, last } = await lastLine(out);
    const n = bars.ts.length - 1;
    expect(lines).toBe(bars.ts.length + 1);
    expect(last).toBe(
      `${new Date(bars.ts[n] as number).toISOString()},${bars.open[n]},${bars.high[n]},${bars.low[n]},${bars.close[n]},${bars.volume[n]}`,
    );
    expect(resampled.maxRssMb, `resample peak RSS (baseline ${baseline.maxRssMb} MB)`).toBeLessThan(bound);
    expect(exported.maxRssMb, `export peak RSS (baseline ${baseline.maxRssMb} MB)`).toBeLessThan(bound);
  }, 120_000);
});
