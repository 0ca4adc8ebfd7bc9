import type { ColumnSpec, ColumnValues } from '../arrow-columns.js';

type Columns = Record<string, ColumnSpec> | Map<string, ColumnValues>;

/**
 * Rows `[from, to)` of a table's columns (views, no copy; a dictionary column keeps its dictionary).
 * @example sliceColumns(equityColumns(result.equity), 500, 1000).equity.values.length // 500
 */
export function sliceColumns<T extends Columns>(columns: T, from: number, to: number): T {
  const slice = (spec: ColumnSpec): ColumnSpec => {
    switch (spec.kind) {
      case 'dictionary':
        return { kind: 'dictionary', codes: spec.codes.subarray(from, to), dictionary: spec.dictionary };
      case 'timestamp':
        return { kind: 'timestamp', values: spec.values.subarray(from, to), int64: spec.int64?.subarray(from, to) };
      default:
        return { ...spec, values: spec.values.subarray(from, to) } as ColumnSpec;
    }
  };
  if (columns instanceof Map) return new Map([...columns].map(([name, spec]) => [name, slice(spec)])) as T;
  return Object.fromEntries(Object.entries(columns).map(([name, spec]) => [name, slice(spec)])) as T;
}

/**
 * Tables read one after the other (a whole snapshot file, then its parts) as one: numbers end to
 * end, dictionary columns re-coded into one dictionary (in order of first appearance).
 * @example concatColumns([ipcToColumns(a).columns, ipcToColumns(b).columns]).get('ts')
 */
export function concatColumns(pieces: ReadonlyArray<Map<string, ColumnValues>>): Map<string, ColumnValues> {
  if (pieces.length === 1) return pieces[0] as Map<string, ColumnValues>;
  const out = new Map<string, ColumnValues>();
  for (const [name, first] of pieces[0] as Map<string, ColumnValues>) {
    const specs = pieces.map((p) => p.get(name)).filter((s): s is ColumnValues => s?.kind === first.kind);
    out.set(name, concatOne(first.kind, specs));
  }
  return out;
}

function concatOne(kind: ColumnValues['kind'], specs: ColumnValues[]): ColumnValues {
  if (kind === 'dictionary') {
    const dictionary: string[] = [];
    const ids = new Map<string, number>();
    const length = specs.reduce((n, s) => n + (s.kind === 'dictionary' ? s.codes.length : 0), 0);
    const codes = new Int32Array(length);
    let at = 0;
    for (const s of specs) {
      if (s.kind !== 'dictionary') continue;
      const remap = s.dictionary.map((value) => {
        let id = ids.get(value);
        if (id === undefined) ids.set(value, (id = dictionary.push(value) - 1));
        return id;
      });
      for (const code of s.codes) codes[at++] = remap[code] as number;
    }
    return { kind: 'dictionary', codes, dictionary };
  }
  const arrays = specs.map((s) => (s as Exclude<ColumnValues, { kind: 'dictionary' }>).values);
  const length = arrays.reduce((n, a) => n + a.length, 0);
  const Ctor = (arrays[0] as Float64Array).constructor as new (n: number) => Float64Array;
  const values = new Ctor(length);
  let at = 0;
  for (const a of arrays) {
    values.set(a as Float64Array, at);
    at += a.length;
  }
  return { kind, values } as ColumnValues;
}
