import { describe, expect, it } from 'vitest';
import { columnsToIpc, columnsToIpcChunks, ipcToColumns, type ColumnSpec } from './arrow-columns.js';

const rows = 50_000;
const ts = Float64Array.from({ length: rows }, (_, i) => Date.UTC(2024, 0, 1) + i * 60_000);
const columns: Record<string, ColumnSpec> = {
  ts: { kind: 'timestamp', values: ts },
  equity: { kind: 'float64', values: Float64Array.from(ts, (_, i) => 10_000 + Math.sin(i) * 50) },
  drawdown: { kind: 'float32', values: Float32Array.from(ts, (_, i) => -(i % 7) / 100) },
  open: { kind: 'int8', values: Int8Array.from(ts, (_, i) => i % 2) },
  action: {
    kind: 'dictionary',
    codes: Int8Array.from(ts, (_, i) => i % 3),
    dictionary: ['hold', 'enter_long', 'exit'],
  },
};

describe('Arrow artifact columns', () => {
  it('emits in chunks exactly the bytes of the joined file, which read back to the same columns', async () => {
    const joined = columnsToIpc(columns);
    const chunks = await columnsToIpcChunks(columns);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(Buffer.from(joined))).toBe(true);
    // the same columns give the same bytes again in this process (dictionary ids are not a counter)
    expect(Buffer.from(columnsToIpc(columns)).equals(Buffer.from(joined))).toBe(true);
    const { numRows, columns: back } = ipcToColumns(joined);
    expect(numRows).toBe(rows);
    expect(back.get('ts')).toEqual(columns.ts);
    expect(back.get('equity')).toEqual(columns.equity);
    expect(back.get('action')).toEqual({
      kind: 'dictionary',
      codes: Int32Array.from(ts, (_, i) => i % 3),
      dictionary: ['hold', 'enter_long', 'exit'],
    });
  });

  it('a timestamp column with its Int64 values given writes the same bytes as one converted from ms', () => {
    const int64 = BigInt64Array.from(ts, (ms) => BigInt(ms));
    const given = columnsToIpc({ ...columns, ts: { kind: 'timestamp', values: ts, int64 } });
    expect(Buffer.from(given).equals(Buffer.from(columnsToIpc(columns)))).toBe(true);
    // Values of another length are not used (the ms decide).
    const short = columnsToIpc({ ...columns, ts: { kind: 'timestamp', values: ts, int64: int64.subarray(1) } });
    expect(Buffer.from(short).equals(Buffer.from(columnsToIpc(columns)))).toBe(true);
  });
});
