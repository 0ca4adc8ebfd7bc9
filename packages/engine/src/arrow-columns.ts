import {
  DataType,
  Dictionary,
  Int32,
  Int8,
  Table,
  TimestampMillisecond,
  Utf8,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { isMillisecondTimestamps, msToInt64, tableToIpcChunks, timestampsToMs } from '@buff/ingest';
import { sharedArray } from '@buff/core/io';

/** A column to write: typed numbers, UTC millisecond timestamps, or Int32 codes into a string dictionary. */
export type ColumnSpec =
  | {
      kind: 'timestamp';
      values: Float64Array /** The same instants as stored Int64 ms, when at hand (no conversion). */;
      int64?: BigInt64Array | undefined;
    }
  | { kind: 'float64'; values: Float64Array }
  | { kind: 'float32'; values: Float32Array }
  | { kind: 'int32'; values: Int32Array }
  | { kind: 'int8'; values: Int8Array }
  | { kind: 'dictionary'; codes: Int32Array | Int8Array; dictionary: readonly string[] };

/** A column read back: the same shapes, dictionary columns decoded to codes + their dictionary. */
export type ColumnValues = ColumnSpec;

/**
 * One column as an Arrow vector. A dictionary column gets an explicit dictionary id (`dictionaryId`,
 * its position among the table's dictionaries): left to apache-arrow, the id comes from a
 * process-wide counter, and the same columns would give different bytes in a process that had
 * built another table before.
 */
function toVector(spec: ColumnSpec, dictionaryId: number): Vector {
  switch (spec.kind) {
    case 'timestamp':
      return makeVector(
        makeData({
          type: new TimestampMillisecond('UTC'),
          data: int64Of(spec),
          length: spec.values.length,
          nullCount: 0,
        }),
      );
    case 'dictionary': {
      // Int8 codes when the dictionary is small (actions, symbols, reasons): a quarter of the bytes.
      const dictionary = vectorFromArray([...spec.dictionary], new Utf8());
      const small = spec.dictionary.length <= 127;
      const type = small
        ? new Dictionary(new Utf8(), new Int8(), dictionaryId)
        : new Dictionary(new Utf8(), new Int32(), dictionaryId);
      const data = small
        ? spec.codes instanceof Int8Array
          ? spec.codes
          : new Int8Array(spec.codes)
        : spec.codes instanceof Int32Array
          ? spec.codes
          : new Int32Array(spec.codes);
      return makeVector(makeData({ type, data, length: spec.codes.length, nullCount: 0, dictionary }));
    }
    default:
      return makeVector(spec.values);
  }
}

/**
 * A timestamp column's Int64 values: those given (when they match in length), else converted into
 * shared memory like the other big columns (the hash worker reads the encoded table without a copy).
 */
function int64Of(spec: { values: Float64Array; int64?: BigInt64Array | undefined }): BigInt64Array {
  if (spec.int64 !== undefined && spec.int64.length === spec.values.length) return spec.int64;
  return msToInt64(spec.values, sharedArray(BigInt64Array, spec.values.length));
}

/**
 * Arrow IPC file bytes from named columns, in the given order. Equal columns give equal bytes.
 * @example columnsToIpc({ ts: { kind: 'timestamp', values: ts }, equity: { kind: 'float64', values: equity } })
 */
export function columnsToIpc(columns: Record<string, ColumnSpec>): Uint8Array {
  return tableToIPC(columnsToTable(columns), 'file');
}

/**
 * The bytes of {@link columnsToIpc} as the Arrow writer emits them (metadata, then each column's
 * buffer as it is): no joined copy of the table, for writing straight to a file.
 * @example const chunks = await columnsToIpcChunks(columns); for (const chunk of chunks) write(chunk);
 */
export function columnsToIpcChunks(columns: Record<string, ColumnSpec>): Promise<Uint8Array[]> {
  return tableToIpcChunks(columnsToTable(columns));
}

function columnsToTable(columns: Record<string, ColumnSpec>): Table {
  const vectors: Record<string, Vector> = {};
  let dictionaries = 0;
  for (const [name, spec] of Object.entries(columns))
    vectors[name] = toVector(spec, spec.kind === 'dictionary' ? dictionaries++ : -1);
  return new Table(vectors);
}

/**
 * Named columns from Arrow IPC bytes; throws on a column type Buff does not write.
 * @example const { columns, numRows } = ipcToColumns(readFileSync('runs/run-.../equity.arrow'));
 */
export function ipcToColumns(bytes: Uint8Array): { numRows: number; columns: Map<string, ColumnValues> } {
  const table = tableFromIPC(bytes);
  const columns = new Map<string, ColumnValues>();
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name) as Vector;
    columns.set(field.name, readVector(vector, field.name));
  }
  return { numRows: table.numRows, columns };
}

function readVector(vector: Vector, name: string): ColumnValues {
  const type = vector.type;
  if (isMillisecondTimestamps(vector)) return { kind: 'timestamp', values: timestampsToMs(vector) };
  if (DataType.isDictionary(type)) {
    const dictionary: string[] = [];
    const lookup = new Map<string, number>();
    const codes = new Int32Array(vector.length);
    let offset = 0;
    for (const chunk of vector.data) {
      const local = (chunk.dictionary?.toArray() ?? []) as string[];
      const remap = local.map((value) => {
        let id = lookup.get(value);
        if (id === undefined) {
          id = dictionary.length;
          dictionary.push(value);
          lookup.set(value, id);
        }
        return id;
      });
      const raw = chunk.values as Int32Array | Int8Array;
      for (let i = 0; i < chunk.length; i++) codes[offset + i] = remap[raw[chunk.offset + i] as number] ?? -1;
      offset += chunk.length;
    }
    return { kind: 'dictionary', codes, dictionary };
  }
  const array = vector.toArray() as unknown;
  if (array instanceof Float64Array) return { kind: 'float64', values: array };
  if (array instanceof Float32Array) return { kind: 'float32', values: array };
  if (array instanceof Int32Array) return { kind: 'int32', values: array };
  if (array instanceof Int8Array) return { kind: 'int8', values: array };
  throw new Error(`column ${name}: unsupported Arrow type ${String(type)}`);
}
