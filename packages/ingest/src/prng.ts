import { sha256Hex } from '@buff/core';

/** A seeded source of uniform and normal numbers; the same seed gives the same sequence in every process. */
export interface Prng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number;
  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number;
}

/**
 * xoshiro128** seeded from sha256 of `key`, so any string (e.g. `seed:symbol`) picks a
 * well-mixed, independent stream.
 * @example const rng = createPrng('7:BTC-USD'); rng.uniform(); rng.normal();
 */
export function createPrng(key: string): Prng {
  const hex = sha256Hex(key);
  let s0 = parseInt(hex.slice(0, 8), 16) >>> 0;
  let s1 = parseInt(hex.slice(8, 16), 16) >>> 0;
  let s2 = parseInt(hex.slice(16, 24), 16) >>> 0;
  let s3 = parseInt(hex.slice(24, 32), 16) >>> 0;
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  let spare = 0;
  let hasSpare = false;
  const uniform = (): number => nextUint32() / 4294967296;
  return {
    uniform,
    normal() {
      if (hasSpare) {
        hasSpare = false;
        return spare;
      }
      let u = 0;
      while (u === 0) u = uniform();
      const v = uniform();
      const radius = Math.sqrt(-2 * Math.log(u));
      const angle = 2 * Math.PI * v;
      spare = radius * Math.sin(angle);
      hasSpare = true;
      return radius * Math.cos(angle);
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
