import { Table, makeVector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { allocateBars, isBuffError } from '@buff/core';
import { barsToIpc, barsToTable, ipcToBars, tableToBars } from './bars-table.js';

function sampleBars() {
  const bars = allocateBars(3);
  bars.ts.set([1_700_000_000_000, 1_700_000_060_000, 1_700_000_120_000]);
  bars.open.set([1, 2, 0.04088000000000001]);
  bars.high.set([1.5, 2.5, 0.05]);
  bars.low.set([0.5, 1.5, 0.04]);
  bars.close.set([1.2, 2.2, 0.045]);
  bars.volume.set([10, 0, 1e-9]);
  return bars;
}

describe('Arrow bar tables', () => {
  it('stores ts as Timestamp(ms, UTC) and values as Float64, in canonical order', () => {
    const table = barsToTable(sampleBars());
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'ts:Timestamp<MILLISECOND, UTC>',
      'open:Float64',
      'high:Float64',
      'low:Float64',
      'close:Float64',
      'volume:Float64',
    ]);
  });

  it('round-trips through IPC bytes exactly and deterministically', () => {
    const bars = sampleBars();
    const bytes = barsToIpc(bars);
    expect(Buffer.from(barsToIpc(sampleBars())).equals(Buffer.from(bytes))).toBe(true);
    const back = ipcToBars(bytes);
    for (const column of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect([...back[column]]).toEqual([...bars[column]]);
    }
  });

  it('rejects a table without a canonical column or with a wrong type', () => {
    const missing = new Table({ open: makeVector(new Float64Array([1])) });
    expect(() => tableToBars(missing, 'x.arrow')).toThrowError(/missing column "ts"/);
    const columns = ['open', 'high', 'low', 'close', 'volume'].map((name) => [name, makeVector(new Float64Array([1]))]);
    const wrongType = new Table({ ts: makeVector(new Int32Array([1])), ...Object.fromEntries(columns) });
    try {
      tableToBars(wrongType, 'y.arrow');
      expect.unreachable();
    } catch (err) {
      expect(isBuffError(err)).toBe(true);
    }
  });
});

describe('timestamps across the Int64 range used by markets', () => {
  it('round-trips negative, pre-1970 and far-future millisecond timestamps exactly', () => {
    const bars = allocateBars(4);
    bars.ts.set([-86_400_000, 0, 4_102_444_800_000, 2 ** 41 + 12345]);
    const back = ipcToBars(barsToIpc(bars));
    expect([...back.ts]).toEqual([...bars.ts]);
    const raw = barsToTable(bars).getChild('ts')?.data[0]?.values as BigInt64Array;
    expect([...raw]).toEqual([-86_400_000n, 0n, 4_102_444_800_000n, 2n ** 41n + 12345n]);
  });
});
