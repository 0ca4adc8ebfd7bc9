import { closeSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '@buff/ingest';
import { allocateBars } from '@buff/core';
import { BATCH_ROWS, BarsFileWriter } from '../packages/ingest/src/arrow/bars-file-writer.js';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

// The streaming ingest through the BUILT buff: with the JS heap capped at 32 MB it ingests a CSV
// several times that size (1.6M rows, ~100 MB; the table is ~77 MB of Arrow in 13 record
// batches) and stores the very table an uncapped run and a whole-file read give (same content id).
// `buff ingest arrow` streams the same way: a 312 MB Arrow file ingests under the same cap with a
// peak RSS under 300 MB (a whole-file read could not), storing the very bytes it read.
// Peak RSS at 10M and 50M rows is in bench/results/ingest-scale.md (bench/ingest-scale.mjs).

const ROWS = 1_600_000;
const HEAP_MB = 32;
const ARROW_ROWS = 6_500_000; // ~312 MB of Arrow
const GAP_AT = 1_000_000; // one missing minute before this row: the gap list is built on the way

let temp: ReturnType<typeof makeTempDir>;
let csv: string;
beforeAll(() => {
  temp = makeTempDir('buff-capped-heap-');
  csv = join(temp.dir, 'big.csv');
  writeCsv(csv);
});
afterAll(() => temp.cleanup());

/** A deterministic 1m CSV (seeded walk), written 1 MiB at a time. */
function writeCsv(path: string): void {
  const fd = openSync(path, 'w');
  let seed = 11;
  const rand = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  let price = 100;
  let text = 'timestamp,open,high,low,close,volume\n';
  for (let i = 0; i < ROWS; i++) {
    const ts = Date.UTC(2020, 0, 1) + (i + (i >= GAP_AT ? 1 : 0)) * 60_000;
    const open = price;
    const close = Math.max(1, open * (1 + (rand() - 0.5) * 0.004));
    price = close;
    text += `${new Date(ts).toISOString()},${open.toFixed(4)},${(Math.max(open, close) * 1.001).toFixed(4)},${(Math.min(open, close) * 0.999).toFixed(4)},${close.toFixed(4)},${(rand() * 9).toFixed(3)}\n`;
    if (text.length > 2 ** 20) {
      writeSync(fd, text);
      text = '';
    }
  }
  writeSync(fd, text);
  closeSync(fd);
}

interface Ingested {
  code: number;
  contentId: string;
  rows: number;
  gapCount: number;
  maxRssMb: number;
  stderr: string;
}

async function ingest(dataRoot: string, env: Record<string, string>, kind = 'csv', input = csv): Promise<Ingested> {
  const args = ['ingest', kind, '--input', input, '--symbol', 'BIG', '--allow-gaps', '--data-root', dataRoot, '--json'];
  const { code, stdout, stderr } = await runBuilt(args, { env: { BUFF_REPORT_RSS: '1', ...env } });
  const result =
    code === 0 ? lastJson<{ dataset: { contentId: string; rows: number; gapCount: number } }>(stdout) : undefined;
  const rss = /maxRSS ([\d.]+) MB/.exec(stderr);
  return {
    code,
    contentId: result?.dataset.contentId ?? '',
    rows: result?.dataset.rows ?? 0,
    gapCount: result?.dataset.gapCount ?? -1,
    maxRssMb: Number(rss?.[1] ?? Number.NaN),
    stderr,
  };
}

describe('buff ingest csv with a capped heap (built CLI)', () => {
  it(`ingests ${ROWS.toLocaleString('en-US')} rows under --max-old-space-size=${HEAP_MB}, storing what an uncapped run and a whole-file read give`, async () => {
    const csvMb = statSync(csv).size / 2 ** 20;
    expect(csvMb).toBeGreaterThan(3 * HEAP_MB);
    // Another heap size is another V8 flag set: the build's code cache does not apply (on: used when it can be).
    const capped = await ingest(join(temp.dir, 'capped'), {
      NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`,
      BUFF_CODE_CACHE: 'on',
    });
    expect(capped.code, capped.stderr).toBe(0);
    expect(capped.rows).toBe(ROWS);
    expect(capped.gapCount).toBe(1);
    expect(capped.maxRssMb).toBeLessThan(300);
    const stored = readdirSync(join(temp.dir, 'capped', 'BIG')).filter((name) => name.endsWith('.arrow'));
    expect(stored).toEqual([`1m.${capped.contentId.slice(0, 16)}.arrow`]);

    const normal = await ingest(join(temp.dir, 'normal'), {});
    expect(normal.code, normal.stderr).toBe(0);
    expect(normal.contentId).toBe(capped.contentId);

    // The same table from a whole-file read in this process, written in BATCH_ROWS batches.
    const whole = await parseCsv(csv, { symbol: 'BIG', allowGaps: true });
    expect(whole.bars.ts.length).toBeGreaterThan(10 * BATCH_ROWS);
    const writer = new BarsFileWriter(undefined);
    writer.append(whole.bars);
    expect(writer.finish().sha256).toBe(capped.contentId);
  }, 240_000);

  it(`ingests a ${ARROW_ROWS.toLocaleString('en-US')}-row Arrow file larger than the RSS bound under --max-old-space-size=${HEAP_MB}, batch by batch`, async () => {
    const arrow = join(temp.dir, 'big.arrow');
    const { sha256 } = writeArrow(arrow);
    // Larger than the 300 MB RSS bound: an import that read the file (or held its bars) whole would exceed it.
    expect(statSync(arrow).size / 1e6).toBeGreaterThan(300);
    const capped = await ingest(
      join(temp.dir, 'capped-arrow'),
      { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`, BUFF_CODE_CACHE: 'on' },
      'arrow',
      arrow,
    );
    expect(capped.code, capped.stderr).toBe(0);
    expect(capped.rows).toBe(ARROW_ROWS);
    expect(capped.gapCount).toBe(1);
    expect(capped.maxRssMb).toBeLessThan(300);
    // Buff's own layout (BATCH_ROWS batches, ts as Timestamp(ms, UTC)) read and written again: the same bytes.
    expect(capped.contentId).toBe(sha256);
  }, 240_000);
});

/** A deterministic 1m Arrow file of ARROW_ROWS rows (one missing minute), written one batch at a time. */
function writeArrow(path: string): { sha256: string } {
  const writer = new BarsFileWriter(path);
  const bars = allocateBars(BATCH_ROWS);
  let price = 100;
  for (let at = 0; at < ARROW_ROWS; at += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, ARROW_ROWS - at);
    for (let j = 0; j < n; j++) {
      const i = at + j;
      bars.ts[j] = Date.UTC(2020, 0, 1) + (i + (i >= GAP_AT ? 1 : 0)) * 60_000;
      const close = price * (1 + (((i * 7919) % 1000) - 500) / 250_000);
      [bars.open[j], bars.high[j], bars.low[j], bars.close[j]] = [
        price,
        Math.max(price, close) * 1.001,
        Math.min(price, close) * 0.999,
        close,
      ];
      bars.volume[j] = (i % 9) + 0.5;
      price = close;
    }
    writer.append(bars, 0, n);
  }
  return writer.finish();
}
