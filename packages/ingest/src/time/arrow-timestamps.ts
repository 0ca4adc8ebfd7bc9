import { DataType, TimeUnit, type Vector } from 'apache-arrow';
import { readInt64Ms, writeInt64Ms } from './int64-ms.js';

/**
 * Millisecond timestamps (integral floats) as Int64, written as two little-endian 32-bit halves:
 * no BigInt per value on the hot path. `out` (as long as `ms`) receives them, e.g. in shared memory.
 * @example makeData({ type: new TimestampMillisecond('UTC'), data: msToInt64(bars.ts), length, nullCount: 0 })
 */
export function msToInt64(ms: Float64Array, out = new BigInt64Array(ms.length)): BigInt64Array {
  writeInt64Ms(ms, out, 0, ms.length);
  return out;
}

/** Whether a vector holds Timestamp(ms) values, the only time type Buff writes. */
export function isMillisecondTimestamps(vector: Vector): boolean {
  return DataType.isTimestamp(vector.type) && vector.type.unit === TimeUnit.MILLISECOND;
}

/**
 * A Timestamp(ms) vector's Int64 values as millisecond floats, chunk by chunk.
 * @example const ts = timestampsToMs(table.getChild('ts'));
 */
export function timestampsToMs(vector: Vector): Float64Array {
  const out = new Float64Array(vector.length);
  let offset = 0;
  for (const chunk of vector.data) {
    const values = (chunk.values as BigInt64Array).subarray(chunk.offset, chunk.offset + chunk.length);
    readInt64Ms(values, out.subarray(offset, offset + chunk.length));
    offset += chunk.length;
  }
  return out;
}
