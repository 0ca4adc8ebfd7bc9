import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimestampParser } from './parse-timestamp.js';
import { readCsvColumns } from './read-csv.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'buff-read-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readCsvColumns', () => {
  it('reads a last line without LF to its end, not into stale bytes of the buffer', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString()},1,2,0.5,1.5,1234567`);
    rows[rows.length - 1] = rows[rows.length - 1]!.replace(/1234567$/, '1');
    const path = join(dir, 'no-final-lf.csv');
    writeFileSync(path, `timestamp,open,high,low,close,volume\n${rows.join('\n')}`);
    for (let chunkBytes = 16; chunkBytes <= 256; chunkBytes += 7) {
      const { bars } = await readCsvColumns(path, { file: path, timestamps: await createTimestampParser({ format: 'iso' }), chunkBytes });
      expect(bars.volume.length).toBe(40);
      expect(bars.volume[39], `chunkBytes ${chunkBytes}`).toBe(1);
    }
  });
});
