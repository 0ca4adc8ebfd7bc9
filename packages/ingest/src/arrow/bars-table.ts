import {
  DataType,
  Precision,
  Table,
  TimestampMillisecond,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  type Vector,
} from 'apache-arrow';
import { isMillisecondTimestamps, msToInt64, timestampsToMs } from '../time/arrow-timestamps.js';
import { BAR_COLUMNS, BuffError, VALUE_COLUMNS, type Bars } from '@buff/core';
import { sharedArray } from '@buff/core/io';

/**
 * Canonical bars as an Arrow table: `ts` Timestamp(ms, UTC) then Float64 open, high, low, close, volume.
 * `tsInt64`: `bars.ts` already as Int64 ms (used as it is; the caller vouches for it).
 * @example const table = barsToTable(bars); table.numRows
 */
export function barsToTable(bars: Bars, tsInt64?: BigInt64Array): Table {
  const length = bars.ts.length;
  // In shared memory like the reader's columns: the hash worker reads the encoded table without a copy.
  const int64 =
    tsInt64 !== undefined && tsInt64.length === length
      ? tsInt64
      : msToInt64(bars.ts, sharedArray(BigInt64Array, length));
  const tsData = makeData({ type: new TimestampMillisecond('UTC'), data: int64, length, nullCount: 0 });
  return new Table({
    ts: makeVector(tsData),
    open: makeVector(bars.open),
    high: makeVector(bars.high),
    low: makeVector(bars.low),
    close: makeVector(bars.close),
    volume: makeVector(bars.volume),
  });
}

/**
 * Reads canonical bars back out of an Arrow table, checking its columns and types.
 * @example const bars = tableToBars(tableFromIPC(bytes));
 */
export function tableToBars(table: Table, source = 'arrow table'): Bars {
  return readBarsTable(table, source).bars;
}

/**
 * {@link tableToBars}, plus the ts column's Int64 values as stored when the table is one record
 * batch (a view, no copy): a writer of the same timestamps can reuse them instead of converting back.
 */
export function readBarsTable(
  table: Table,
  source = 'arrow table',
): { bars: Bars; tsInt64: BigInt64Array | undefined } {
  const names = table.schema.fields.map((field) => field.name);
  for (const column of BAR_COLUMNS) {
    if (!names.includes(column)) {
      throw new BuffError('MISSING_COLUMN', `${source}: missing column "${column}"`, {
        details: { file: source, column, rule: 'MISSING_COLUMN' },
      });
    }
  }
  const tsVector = table.getChild('ts') as Vector;
  if (!isMillisecondTimestamps(tsVector)) {
    throw new BuffError(
      'INVALID_INPUT',
      `${source}: column "ts" must be Timestamp(ms, UTC), got ${String(tsVector.type)}`,
      {
        details: { file: source, column: 'ts' },
      },
    );
  }
  const ts = timestampsToMs(tsVector);
  const bars = { ts } as Bars;
  for (const column of VALUE_COLUMNS) {
    const vector = table.getChild(column) as Vector;
    if (!(DataType.isFloat(vector.type) && vector.type.precision === Precision.DOUBLE)) {
      throw new BuffError(
        'INVALID_INPUT',
        `${source}: column "${column}" must be Float64, got ${String(vector.type)}`,
        {
          details: { file: source, column },
        },
      );
    }
    bars[column] = vector.toArray() as Float64Array;
  }
  const only = tsVector.data.length === 1 ? tsVector.data[0] : undefined;
  const tsInt64 =
    only === undefined ? undefined : (only.values as BigInt64Array).subarray(only.offset, only.offset + only.length);
  return { bars, tsInt64 };
}

/** Canonical bars as Arrow IPC file bytes (deterministic for equal bars). */
export function barsToIpc(bars: Bars): Uint8Array {
  return tableToIPC(barsToTable(bars), 'file');
}

/** Canonical bars from Arrow IPC bytes (file or stream format). */
export function ipcToBars(bytes: Uint8Array, source = 'arrow bytes'): Bars {
  return tableToBars(tableFromIPC(bytes), source);
}
