import { DataType, TimeUnit, type Vector } from 'apache-arrow';
import { writeInt64Ms } from './int64-ms.js';

const TWO_32 = 4294967296;

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
    const values = chunk.values as BigInt64Array;
    const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    for (let i = 0; i < chunk.length; i++) {
      const j = 2 * (chunk.offset + i);
      out[offset + i] = (halves[j + 1] as number) * TWO_32 + ((halves[j] as number) >>> 0);
    }
    offset += chunk.length;
  }
  return out;
}
