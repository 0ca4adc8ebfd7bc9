import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bars } from '@buff/core';
import { BATCH_ROWS, BarsFileWriter } from './bars-file-writer.js';
import { barsToTable, ipcToBars } from './bars-table.js';

const dir = mkdtempSync(join(tmpdir(), 'buff-bars-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function barsOf(n: number): Bars {
  const col = (k: number): Float64Array => Float64Array.from({ length: n }, (_, i) => i * k + 0.25);
  return {
    ts: Float64Array.from({ length: n }, (_, i) => 1.7e12 + i * 60_000),
    open: col(1),
    high: col(2),
    low: col(0.5),
    close: col(1.5),
    volume: col(3),
  };
}

/** Writes `bars` in three uneven appends. */
function written(bars: Bars, name: string): { bytes: Buffer; sha256: string } {
  const path = join(dir, name);
  const writer = new BarsFileWriter(path);
  const n = bars.ts.length;
  writer.append(bars, 0, Math.floor(n / 3));
  writer.append(bars, Math.floor(n / 3), Math.floor(n / 2));
  writer.append(bars, Math.floor(n / 2), n);
  const { sha256, bytes, rows } = writer.finish();
  const file = readFileSync(path);
  expect(rows).toBe(n);
  expect(bytes).toBe(file.length);
  return { bytes: file, sha256 };
}

describe('BarsFileWriter', () => {
  it('writes a table of up to BATCH_ROWS rows byte for byte as tableToIPC does (content ids unchanged)', () => {
    for (const n of [1, 7, 1000]) {
      const bars = barsOf(n);
      const { bytes, sha256 } = written(bars, `small-${n}.arrow`);
      expect(Buffer.compare(bytes, Buffer.from(tableToIPC(barsToTable(bars), 'file')))).toBe(0);
      expect(sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('cuts a larger table into batches of BATCH_ROWS rows, whatever the appends were', () => {
    const bars = barsOf(BATCH_ROWS * 2 + 5);
    const { bytes, sha256 } = written(bars, 'large.arrow');
    const table = tableFromIPC(bytes);
    expect(table.batches.map((batch) => batch.numRows)).toEqual([BATCH_ROWS, BATCH_ROWS, 5]);
    const back = ipcToBars(bytes);
    expect(Array.from(back.ts.subarray(-3))).toEqual(Array.from(bars.ts.subarray(-3)));
    expect(back.close).toEqual(bars.close);
    const once = new BarsFileWriter(undefined);
    once.append(bars);
    expect(once.finish().sha256).toBe(sha256);
  });
});
