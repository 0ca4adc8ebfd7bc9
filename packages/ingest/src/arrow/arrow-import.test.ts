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
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { BuffError, type Bars } from '@buff/core';
import { ingestArrow, type IngestArrowOptions } from './arrow-import.js';
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

let outs = 0;
/** ingestArrow writing an `out` table (when none is given) and the bars read back from it. */
async function ingestBars(
  path: string,
  options: IngestArrowOptions,
): Promise<Awaited<ReturnType<typeof ingestArrow>> & { bars: Bars }> {
  const result = await ingestArrow(path, { out: join(dir, `out-${outs++}.arrow`), ...options });
  return { ...result, bars: await result.readBars() };
}

describe('ingestArrow', () => {
  it('reads a ZSTD-compressed feather v2 file (freqtrade layout) into the store', async () => {
    const path = join(FIXTURES, 'freqtrade-zstd.feather');
    expect(readFileSync(path).length).toBeLessThan(480 * 6 * 8); // the body really is compressed
    const dataRoot = join(dir, 'data');
    const result = await ingestBars(path, { symbol: 'FT', dataRoot });
    expectFixtureBars(result.bars);
    expect(result.quality).toMatchObject({ rows: 480, gapCount: 0, source: 'freqtrade-zstd.feather' });
    expect(result.quality.rules.TRUNCATED_LINE).toBeUndefined();
    const manifest = JSON.parse(readFileSync(join(dataRoot, 'FT', 'dataset.json'), 'utf8'));
    expect(manifest.source).toMatchObject({ kind: 'arrow', file: 'freqtrade-zstd.feather' });
  });

  it('reads LZ4_FRAME-compressed files: the checked-in fixture and one written now', async () => {
    const fixture = await ingestBars(join(FIXTURES, 'freqtrade-lz4.feather'), { symbol: 'FT' });
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
    const fresh = await ingestBars(writeFixture('fresh-lz4.feather', bytes), { symbol: 'FT' });
    expect(fresh.bars).toEqual(fixture.bars);
  });

  it("reads Buff's own Arrow files (IPC file and stream) and maps `ts`", async () => {
    const fixture = await ingestBars(join(FIXTURES, 'freqtrade-zstd.feather'), { symbol: 'FT' });
    const again = await ingestBars(writeFixture('own.arrow', barsToIpc(fixture.bars)), { symbol: 'FT' });
    expect(again.bars).toEqual(fixture.bars);
    const stream = tableToIPC(freqtradeTable(), 'stream');
    expect((await ingestBars(writeFixture('stream.arrows', stream), { symbol: 'FT' })).bars).toEqual(fixture.bars);
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
    await expect(ingestBars(naivePath, { symbol: 'X' })).rejects.toMatchObject({
      code: 'TIMESTAMP_NO_ZONE',
      details: { row: 1, file: naivePath },
    });
    const inPrague = await ingestBars(naivePath, { symbol: 'X', timezone: 'Europe/Prague' });
    expect(inPrague.bars.ts[0]).toBe(Date.UTC(2023, 11, 31, 23));

    const epoch = vectorFromArray(
      rows.map((r) => BigInt(r.ts / 1000)),
      new Int64(),
    );
    const epochPath = writeFixture('epoch.arrow', tableToIPC(freqtradeTable(rows, epoch), 'file'));
    await expect(ingestBars(epochPath, { symbol: 'X' })).rejects.toMatchObject({ code: 'BAD_TIMESTAMP' });
    expect((await ingestBars(epochPath, { symbol: 'X', timestampFormat: 'epoch-s' })).bars.ts[4]).toBe(rows[4]?.ts);
  });

  it('runs the same row rules as CSV, naming the file and the row, writing nothing', async () => {
    const rows = fixtureRows(6);
    (rows[2] as { volume: number }).volume = -1;
    const path = writeFixture('negative.arrow', tableToIPC(freqtradeTable(rows), 'file'));
    const out = join(dir, 'out.arrow');
    const error = (await ingestBars(path, { symbol: 'X', out, dataRoot: join(dir, 'data') }).catch(
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
    await expect(ingestBars(gapPath, { symbol: 'X' })).rejects.toMatchObject({ code: 'GAP', details: { row: 4 } });
    expect((await ingestBars(gapPath, { symbol: 'X', allowGaps: true })).quality.gapCount).toBe(1);

    const extra = freqtradeTable(fixtureRows(3)).assign(new Table({ trades: makeVector(new Float64Array(3)) }));
    const extraPath = writeFixture('extra.arrow', tableToIPC(extra, 'file'));
    await expect(ingestBars(extraPath, { symbol: 'X' })).rejects.toMatchObject({
      code: 'UNKNOWN_COLUMN',
      details: { value: 'trades' },
    });
    expect((await ingestBars(extraPath, { symbol: 'X', columnMap: { trades: null } })).bars.ts.length).toBe(3);
  });

  it('rejects nulls, corrupt bytes and feather v1 with clear BuffErrors', async () => {
    const rows = fixtureRows(3);
    const withNull = freqtradeTable(rows).assign(new Table({ close: vectorFromArray([1, null, 1]) }));
    await expect(
      ingestBars(writeFixture('null.arrow', tableToIPC(withNull, 'file')), { symbol: 'X' }),
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
      const error = await ingestBars(writeFixture(`corrupt-${index}.feather`, bytes), { symbol: 'X' }).catch(
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(BuffError);
      expect((error as BuffError).code).toBe('INVALID_INPUT');
      expect((error as BuffError).message).toContain(`corrupt-${index}.feather`);
    }
    await expect(ingestBars(writeFixture('empty.feather', new Uint8Array(0)), { symbol: 'X' })).rejects.toMatchObject({
      code: 'EMPTY_FILE',
    });
  });
  it('streams a file of many record batches: rows numbered across batches, a gap at a batch edge, the one-batch table', async () => {
    const rows = fixtureRows(480).filter((_, i) => i !== 300); // one missing minute, between batches
    const whole = await ingestBars(writeFixture('one.arrow', tableToIPC(freqtradeTable(rows), 'file')), {
      symbol: 'FT',
      allowGaps: true,
    });
    const writer = new RecordBatchFileWriter();
    for (let at = 0; at < rows.length; at += 100) writer.write(freqtradeTable(rows.slice(at, at + 100)).batches[0]!);
    const batched = writeFixture('batched.arrow', writer.finish().toUint8Array(true));
    expect(tableFromIPC(readFileSync(batched)).batches).toHaveLength(5);
    const streamed = await ingestBars(batched, { symbol: 'FT', allowGaps: true });
    expect(streamed.bars).toEqual(whole.bars);
    expect(streamed.contentId).toBe(whole.contentId);
    expect(streamed.quality).toMatchObject({ rows: 479, gapCount: 1 });
    for (const file of [batched, join(dir, 'one.arrow')]) // the first row after the gap, in either layout
      await expect(ingestArrow(file, { symbol: 'FT' })).rejects.toMatchObject({ code: 'GAP', details: { row: 301 } });
    const late = rows.map((r, i) => (i === 350 ? { ...r, ts: r.ts + 1 } : r));
    const badWriter = new RecordBatchFileWriter();
    for (let at = 0; at < late.length; at += 100) badWriter.write(freqtradeTable(late.slice(at, at + 100)).batches[0]!);
    const bad = writeFixture('late.arrow', badWriter.finish().toUint8Array(true));
    await expect(ingestArrow(bad, { symbol: 'FT', allowGaps: true })).rejects.toMatchObject({
      details: { row: 351 },
    });
  });
});
