import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CompressionType,
  Int64,
  RecordBatchFileWriter,
  Table,
  TimestampMillisecond,
  TimestampNanosecond,
  compressionRegistry,
  makeData,
  makeVector,
  tableToIPC,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { BuffError } from '@buff/core';
import { ingestArrow } from './arrow-import.js';
import { barsToIpc } from './bars-table.js';

const FIXTURES = fileURLToPath(new URL('../../../../tests/fixtures/ingest/', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'buff-arrow-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The rows of the checked-in feather fixtures (see tests/fixtures/ingest/make-feather-fixtures.mjs). */
function fixtureRows(count = 480): Array<Record<'ts' | 'open' | 'high' | 'low' | 'close' | 'volume', number>> {
  return Array.from({ length: count }, (_, i) => {
    const open = 100 + (i % 7) * 0.25;
    const close = 100 + ((i + 3) % 7) * 0.25;
    return {
      ts: Date.UTC(2024, 0, 1) + i * 60_000,
      open,
      high: Math.max(open, close) + 0.5,
      low: Math.min(open, close) - 0.5,
      close,
      volume: (i % 5) + 0.125,
    };
  });
}

function freqtradeTable(rows = fixtureRows(), time?: Vector): Table {
  const ns = BigInt64Array.from(rows, (r) => BigInt(r.ts) * 1_000_000n);
  const column = (key: 'open' | 'high' | 'low' | 'close' | 'volume'): Vector =>
    makeVector(Float64Array.from(rows, (r) => r[key]));
  return new Table({
    date:
      time ??
      makeVector(makeData({ type: new TimestampNanosecond('UTC'), data: ns, length: rows.length, nullCount: 0 })),
    open: column('open'),
    high: column('high'),
    low: column('low'),
    close: column('close'),
    volume: column('volume'),
  });
}

function writeFixture(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function expectFixtureBars(bars: { ts: Float64Array; open: Float64Array; volume: Float64Array }): void {
  const rows = fixtureRows();
  expect(Array.from(bars.ts)).toEqual(rows.map((r) => r.ts));
  expect(Array.from(bars.open)).toEqual(rows.map((r) => r.open));
  expect(Array.from(bars.volume)).toEqual(rows.map((r) => r.volume));
}

describe('ingestArrow', () => {
  it('reads a ZSTD-compressed feather v2 file (freqtrade layout) into the store', async () => {
    const path = join(FIXTURES, 'freqtrade-zstd.feather');
    expect(readFileSync(path).length).toBeLessThan(480 * 6 * 8); // the body really is compressed
    const dataRoot = join(dir, 'data');
    const result = await ingestArrow(path, { symbol: 'FT', dataRoot });
    expectFixtureBars(result.bars);
    expect(result.quality).toMatchObject({ rows: 480, gapCount: 0, source: 'freqtrade-zstd.feather' });
    expect(result.quality.rules.TRUNCATED_LINE).toBeUndefined();
    const manifest = JSON.parse(readFileSync(join(dataRoot, 'FT', 'dataset.json'), 'utf8'));
    expect(manifest.source).toMatchObject({ kind: 'arrow', file: 'freqtrade-zstd.feather' });
  });

  it('reads LZ4_FRAME-compressed files: the checked-in fixture and one written now', async () => {
    const fixture = await ingestArrow(join(FIXTURES, 'freqtrade-lz4.feather'), { symbol: 'FT' });
    expectFixtureBars(fixture.bars);
    const lz4 = createRequire(import.meta.url)('lz4js') as {
      compress(data: Uint8Array): Uint8Array;
      decompress(data: Uint8Array): Uint8Array;
    };
    compressionRegistry.set(CompressionType.LZ4_FRAME, {
      encode: (data) => lz4.compress(data),
      decode: (data) => lz4.decompress(data),
    });
    const bytes = RecordBatchFileWriter.writeAll(freqtradeTable(), {
      compressionType: CompressionType.LZ4_FRAME,
    }).toUint8Array(true);
    expect(bytes.length).toBeLessThan(tableToIPC(freqtradeTable(), 'file').length / 2);
    const fresh = await ingestArrow(writeFixture('fresh-lz4.feather', bytes), { symbol: 'FT' });
    expect(fresh.bars).toEqual(fixture.bars);
  });

  it("reads Buff's own Arrow files (IPC file and stream) and maps `ts`", async () => {
    const fixture = await ingestArrow(join(FIXTURES, 'freqtrade-zstd.feather'), { symbol: 'FT' });
    const again = await ingestArrow(writeFixture('own.arrow', barsToIpc(fixture.bars)), { symbol: 'FT' });
    expect(again.bars).toEqual(fixture.bars);
    const stream = tableToIPC(freqtradeTable(), 'stream');
    expect((await ingestArrow(writeFixture('stream.arrows', stream), { symbol: 'FT' })).bars).toEqual(fixture.bars);
  });

  it('needs a zone for naive timestamps and a declared unit for integer epochs', async () => {
    const rows = fixtureRows(5);
    const naive = makeVector(
      makeData({
        type: new TimestampMillisecond(),
        data: BigInt64Array.from(rows, (r) => BigInt(r.ts)),
        length: 5,
        nullCount: 0,
      }),
    );
    const naivePath = writeFixture('naive.arrow', tableToIPC(freqtradeTable(rows, naive), 'file'));
    await expect(ingestArrow(naivePath, { symbol: 'X' })).rejects.toMatchObject({
      code: 'TIMESTAMP_NO_ZONE',
      details: { row: 1, file: naivePath },
    });
    const inPrague = await ingestArrow(naivePath, { symbol: 'X', timezone: 'Europe/Prague' });
    expect(inPrague.bars.ts[0]).toBe(Date.UTC(2023, 11, 31, 23));

    const epoch = vectorFromArray(
      rows.map((r) => BigInt(r.ts / 1000)),
      new Int64(),
    );
    const epochPath = writeFixture('epoch.arrow', tableToIPC(freqtradeTable(rows, epoch), 'file'));
    await expect(ingestArrow(epochPath, { symbol: 'X' })).rejects.toMatchObject({ code: 'BAD_TIMESTAMP' });
    expect((await ingestArrow(epochPath, { symbol: 'X', timestampFormat: 'epoch-s' })).bars.ts[4]).toBe(rows[4]?.ts);
  });

  it('runs the same row rules as CSV, naming the file and the row, writing nothing', async () => {
    const rows = fixtureRows(6);
    (rows[2] as { volume: number }).volume = -1;
    const path = writeFixture('negative.arrow', tableToIPC(freqtradeTable(rows), 'file'));
    const out = join(dir, 'out.arrow');
    const error = (await ingestArrow(path, { symbol: 'X', out, dataRoot: join(dir, 'data') }).catch(
      (err: unknown) => err,
    )) as BuffError;
    expect(error).toBeInstanceOf(BuffError);
    expect(error.code).toBe('NEGATIVE_VOLUME');
    expect(error.message).toContain(path);
    expect(error.message).toContain('row 3');
    expect(error.details).toMatchObject({ file: path, row: 3, column: 'volume', value: '-1', rule: 'NEGATIVE_VOLUME' });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'data'))).toBe(false);

    const gapped = fixtureRows(6).filter((_, i) => i !== 3);
    const gapPath = writeFixture('gap.arrow', tableToIPC(freqtradeTable(gapped), 'file'));
    await expect(ingestArrow(gapPath, { symbol: 'X' })).rejects.toMatchObject({ code: 'GAP', details: { row: 4 } });
    expect((await ingestArrow(gapPath, { symbol: 'X', allowGaps: true })).quality.gapCount).toBe(1);

    const extra = freqtradeTable(fixtureRows(3)).assign(new Table({ trades: makeVector(new Float64Array(3)) }));
    const extraPath = writeFixture('extra.arrow', tableToIPC(extra, 'file'));
    await expect(ingestArrow(extraPath, { symbol: 'X' })).rejects.toMatchObject({
      code: 'UNKNOWN_COLUMN',
      details: { value: 'trades' },
    });
    expect((await ingestArrow(extraPath, { symbol: 'X', columnMap: { trades: null } })).bars.ts.length).toBe(3);
  });

  it('rejects nulls, corrupt bytes and feather v1 with clear BuffErrors', async () => {
    const rows = fixtureRows(3);
    const withNull = freqtradeTable(rows).assign(new Table({ close: vectorFromArray([1, null, 1]) }));
    await expect(
      ingestArrow(writeFixture('null.arrow', tableToIPC(withNull, 'file')), { symbol: 'X' }),
    ).rejects.toMatchObject({
      code: 'BAD_NUMBER',
      details: { row: 2, column: 'close', value: 'null' },
    });
    const good = readFileSync(join(FIXTURES, 'freqtrade-zstd.feather'));
    const corrupt = [
      good.subarray(0, good.length / 2),
      Buffer.from('not an arrow file at all'),
      Buffer.from('FEA1 old feather'),
    ];
    for (const [index, bytes] of corrupt.entries()) {
      const error = await ingestArrow(writeFixture(`corrupt-${index}.feather`, bytes), { symbol: 'X' }).catch(
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(BuffError);
      expect((error as BuffError).code).toBe('INVALID_INPUT');
      expect((error as BuffError).message).toContain(`corrupt-${index}.feather`);
    }
    await expect(ingestArrow(writeFixture('empty.feather', new Uint8Array(0)), { symbol: 'X' })).rejects.toMatchObject({
      code: 'EMPTY_FILE',
    });
  });
});
