/**
 * A small seeded PRNG (splitmix32 seeding + xorshift128) for weight initialisation and batch
 * shuffling. TensorFlow.js has no global seed, so every random number Buff's models use comes
 * from here and training is repeatable for a given seed.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * @example
 * const rng = seededRandom(42, 'lstm/kernel'); rng.next(); // same value every run
 */
export function seededRandom(seed: number, stream = ''): SeededRandom {
  let h = (seed >>> 0) ^ 0x9e3779b9;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x85ebca6b) >>> 0;
  const split = (): number => {
    h = (h + 0x9e3779b9) >>> 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let x = split() || 1;
  let y = split();
  let z = split();
  let w = split();
  const next = (): number => {
    const t = x ^ (x << 11);
    x = y;
    y = z;
    z = w;
    w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return w / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/**
 * Glorot (Xavier) uniform values for a [fanIn, fanOut] matrix, row-major.
 * @example const kernel = glorotUniform([16, 64], seededRandom(1, 'kernel'));
 */
export function glorotUniform(shape: readonly [number, number], rng: SeededRandom): Float32Array {
  const [fanIn, fanOut] = shape;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = (rng.next() * 2 - 1) * limit;
  return out;
}

/**
 * Fisher-Yates shuffle of 0..n-1 (or of `indices` in place).
 * @example const order = shuffledIndices(1000, seededRandom(7, 'epoch-0'));
 */
export function shuffledIndices(
  n: number,
  rng: SeededRandom,
  indices: Int32Array = Int32Array.from({ length: n }, (_, i) => i),
): Int32Array {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = indices[i] as number;
    indices[i] = indices[j] as number;
    indices[j] = tmp;
  }
  return indices;
}
