import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '@buff/core';
import { hashWorkerIdle, sha256ChunksOffThread } from '@buff/core/io';
import { parseCsv } from './parse-csv.js';

// Its own file: core's hash worker is per module instance, and none may run before this test.

const dir = mkdtempSync(join(tmpdir(), 'buff-parse-handover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the parse worker after a two-thread read', () => {
  it('stays on as the hash worker and answers hash requests', async () => {
    expect(hashWorkerIdle(), 'no hash worker runs yet').toBe(false);
    const start = Date.UTC(2024, 0, 1);
    const lines = ['timestamp,open,high,low,close,volume'];
    for (let row = 0; row < 4000; row++)
      lines.push(`${new Date(start + row * 60_000).toISOString()},100,101,99,100.5,${row}`);
    const path = join(dir, 'bars.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const parsed = await parseCsv(path, { symbol: 'HANDOVER', parallelBytes: 1 }); // two threads
    expect(parsed.quality.rows).toBe(4000);
    expect(hashWorkerIdle(), 'the parse worker was adopted').toBe(true);
    const bytes = new Uint8Array(new SharedArrayBuffer(5 * 2 ** 20)); // above the on-thread limit
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 255;
    expect(await sha256ChunksOffThread([bytes.subarray(0, 7), bytes.subarray(7)])).toBe(sha256Hex(bytes));
    expect(hashWorkerIdle()).toBe(true);
  });
});
