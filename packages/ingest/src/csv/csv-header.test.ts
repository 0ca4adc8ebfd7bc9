import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuffError } from '@buff/core';
import { parseCsv } from './parse-csv.js';
import { ingestArrow } from '../arrow/arrow-import.js';
import { barsToIpc } from '../arrow/bars-table.js';

// What a CSV header says about the file: freqtrade's `date` column, a time-like column to map,
// its delimiter (comma or semicolon).
const ROWS = '2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n2024-01-01T00:01:00Z,1.5,2,1,1.2,3\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'buff-csv-header-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function refusal(path: string): Promise<BuffError> {
  const error = await parseCsv(path, { symbol: 'T' }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(BuffError);
  return error as BuffError;
}

describe('CSV headers', () => {
  it("reads freqtrade's date column as the timestamp, as the Arrow import does", async () => {
    const csv = await parseCsv(file('date.csv', `date,open,high,low,close,volume\n${ROWS}`), { symbol: 'T' });
    const plain = await parseCsv(file('plain.csv', `timestamp,open,high,low,close,volume\n${ROWS}`), { symbol: 'T' });
    expect(Array.from(csv.bars.ts)).toEqual(Array.from(plain.bars.ts));
    expect(Array.from(csv.bars.close)).toEqual([1.5, 1.2]);
    const arrow = file('date.arrow', '');
    writeFileSync(arrow, barsToIpc(plain.bars));
    const fromArrow = await ingestArrow(arrow, { symbol: 'T', out: file('stored.arrow', '') });
    expect(Array.from((await fromArrow.readBars()).ts)).toEqual(Array.from(csv.bars.ts));
  });

  it('an unknown time-like column is hinted as --map NAME=timestamp', async () => {
    const error = await refusal(file('ot.csv', `open_time,open,high,low,close,volume\n${ROWS}`));
    expect(error).toMatchObject({ code: 'UNKNOWN_COLUMN', details: { line: 1, column: 'open_time' } });
    expect(error.message).toContain('--map open_time=timestamp');
    const other = await refusal(
      file('trades.csv', `timestamp,open,high,low,close,volume,trades\n${ROWS.replace(/\n/g, ',7\n')}`),
    );
    expect(other.message).toContain('--map trades=ignore');
  });

  it('reads a semicolon-separated file (delimiter from the header) as its comma twin; the hash is of its own bytes', async () => {
    const text = `timestamp;open;high;low;close;volume\n${ROWS.replace(/,/g, ';')}`;
    const semi = await parseCsv(file('semi.csv', text), { symbol: 'T' });
    const comma = await parseCsv(file('comma.csv', `timestamp,open,high,low,close,volume\n${ROWS}`), { symbol: 'T' });
    expect(semi.bars).toEqual(comma.bars);
    expect(semi.sourceSha256).toBe(createHash('sha256').update(text).digest('hex'));
    // a quoted field keeps its semicolon (here a time that would not parse: refused as a timestamp)
    const quoted = await refusal(file('q.csv', `timestamp;open;high;low;close;volume\n"2024;01";1;2;0.5;1.5;10\n`));
    expect(quoted).toMatchObject({ code: 'BAD_TIMESTAMP', details: { line: 2 } });
  });

  it('refuses a comma in a semicolon-separated file (a decimal comma) naming file and line; both delimiters in a header are ambiguous', async () => {
    const rows = `2024-01-01T00:00:00Z;1;2;0.5;1.5;10\n2024-01-01T00:01:00Z;1,5;2;1;1.2;3\n`;
    const path = file('decimal.csv', `timestamp;open;high;low;close;volume\n${rows}`);
    const decimal = await refusal(path);
    expect(decimal).toMatchObject({
      code: 'INVALID_INPUT',
      details: { file: path, line: 3, rule: 'CSV_DECIMAL_COMMA', value: '1,5' },
    });
    expect(decimal.message).toContain(
      `${path} line 3: a comma in "1,5" in a semicolon-separated file: a decimal comma?`,
    );
    const both = await refusal(file('both.csv', `timestamp;open,high,low,close,volume\n${ROWS}`));
    expect(both).toMatchObject({ details: { rule: 'CSV_DELIMITER' } });
    expect(both.message).toContain('ambiguous');
  });
});
