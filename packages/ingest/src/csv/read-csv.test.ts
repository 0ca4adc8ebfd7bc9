import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimestampParser } from '../time/parse-timestamp.js';
import { readCsvColumns } from './read-csv.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'buff-read-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readCsvColumns', () => {
  it('reads a last line without LF to its end, not into stale bytes of the buffer', async () => {
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString()},1,2,0.5,1.5,1234567`,
    );
    rows[rows.length - 1] = rows[rows.length - 1]!.replace(/1234567$/, '1');
    const path = join(dir, 'no-final-lf.csv');
    writeFileSync(path, `timestamp,open,high,low,close,volume\n${rows.join('\n')}`);
    for (let chunkBytes = 16; chunkBytes <= 256; chunkBytes += 7) {
      const { bars } = await readCsvColumns(path, {
        file: path,
        timestamps: await createTimestampParser({ format: 'iso' }),
        chunkBytes,
      });
      expect(bars.volume.length).toBe(40);
      expect(bars.volume[39], `chunkBytes ${chunkBytes}`).toBe(1);
    }
  });

  it('rejects a row with a field missing or extra amid usual rows (the hot loop hands it over)', async () => {
    const line = (i: number) => `${new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString()},1,2,0.5,1.5,7`;
    const cases: Array<[string, string, string]> = [
      ['no volume', line(120).replace(/,7$/, ''), '5 of 6 fields'],
      ['no close and volume', line(120).replace(/,1\.5,7$/, ''), '4 of 6 fields'],
      ['one field too many', `${line(120)},9`, 'more fields'],
    ];
    for (const [name, bad, reason] of cases) {
      const rows = Array.from({ length: 200 }, (_, i) => (i === 120 ? bad : line(i)));
      const path = join(dir, `${name.replace(/\W+/g, '-')}.csv`);
      writeFileSync(path, `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
      const read = readCsvColumns(path, { file: path, timestamps: await createTimestampParser({ format: 'iso' }) });
      await expect(read, name).rejects.toMatchObject({ code: 'BAD_ROW', details: { line: 122 } });
      await expect(
        readCsvColumns(path, { file: path, timestamps: await createTimestampParser({ format: 'iso' }) }),
        name,
      ).rejects.toThrow(reason);
    }
  });
});
