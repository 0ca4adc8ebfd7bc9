// No imports: the CSV parse worker uses this without loading apache-arrow or @buff/core.

const TWO_32 = 4294967296;

/**
 * Millisecond timestamps (integral floats) ms[from, to) as Int64 into out[from, to), written as
 * two little-endian 32-bit halves: no BigInt per value on the hot path.
 * @example writeInt64Ms(bars.ts, out, 0, bars.ts.length)
 */
export function writeInt64Ms(ms: Float64Array, out: BigInt64Array, from: number, to: number): void {
  const halves = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
  for (let i = from; i < to; i++) {
    const value = ms[i] as number;
    const hi = Math.floor(value / TWO_32);
    halves[2 * i] = (value - hi * TWO_32) | 0;
    halves[2 * i + 1] = hi;
  }
}

/**
 * Int64 millisecond timestamps as floats into `out` (as long as `values`), read as two
 * little-endian 32-bit halves: no BigInt per value.
 * @example readInt64Ms(BigInt64Array.of(60_000n)) // Float64Array [60000]
 */
export function readInt64Ms(values: BigInt64Array, out = new Float64Array(values.length)): Float64Array {
  const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = 0; i < values.length; i++)
    out[i] = (halves[2 * i + 1] as number) * TWO_32 + ((halves[2 * i] as number) >>> 0);
  return out;
}
