type TypedArrayClass<A> = { new (buffer: SharedArrayBuffer): A; readonly BYTES_PER_ELEMENT: number };

/**
 * A zeroed typed array of `length` in shared memory: the hash worker reads columns written into
 * it (a run's decisions, an ingested table) without a copy.
 * @example const equity = sharedArray(Float64Array, steps);
 */
export function sharedArray<A>(Type: TypedArrayClass<A>, length: number): A {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}
