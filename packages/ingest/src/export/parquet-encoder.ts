import { createRequire } from 'node:module';
import { BAR_COLUMNS, type Bars } from '@buff/core';

/** hyparquet-writer's row-group sizes (its default, the one every Buff export used): 1000 rows, then 100,000 each. */
const ROW_GROUP_SIZES = [1000, 100_000] as const;

/** `ts` INT64 with logical type TIMESTAMP(MILLIS, UTC), values DOUBLE, no nulls. */
const PARQUET_SCHEMA = [
  { name: 'root', num_children: BAR_COLUMNS.length },
  {
    name: 'ts',
    type: 'INT64' as const,
    repetition_type: 'REQUIRED' as const,
    converted_type: 'TIMESTAMP_MILLIS' as const,
    logical_type: { type: 'TIMESTAMP' as const, isAdjustedToUTC: true, unit: 'MILLIS' as const },
  },
  ...BAR_COLUMNS.slice(1).map((name) => ({ name, type: 'DOUBLE' as const, repetition_type: 'REQUIRED' as const })),
];

const CREATED_BY = 'buff (hyparquet-writer)';

/**
 * Writes bars as Parquet as they come: rows are gathered into hyparquet-writer's row groups
 * (1000 rows, then 100,000), each group is encoded and handed to `write` when full, and the
 * footer at the end. Memory holds one row group. The bytes are those of {@link barsToParquet}
 * on all the rows at once (the same groups, pages and footer).
 * @example const parquet = parquetWriter(sink.write.bind(sink)); parquet.push(bars); parquet.finish();
 */
export function parquetWriter(write: (bytes: Uint8Array) => void): { push(bars: Bars): void; finish(): void } {
  const { ByteWriter, ParquetWriter } = loadParquetWriter();
  const bytes = new ByteWriter();
  const drain = () => {
    if (bytes.index > 0) write(new Uint8Array(bytes.buffer, 0, bytes.index));
    bytes.index = 0;
  };
  Object.assign(bytes, { flush: drain }); // called after each row group
  const parquet = new ParquetWriter({ writer: bytes, schema: PARQUET_SCHEMA, createdBy: CREATED_BY });
  const group = BAR_COLUMNS.map(() => new Float64Array(ROW_GROUP_SIZES[1]));
  let groups = 0;
  let fill = 0;
  const writeGroup = () => {
    const columnData = BAR_COLUMNS.map((name, c) => ({ name, data: (group[c] as Float64Array).subarray(0, fill) }));
    void parquet.write({ columnData, rowGroupSize: fill });
    groups++;
    fill = 0;
  };
  return {
    push(bars) {
      const n = bars.ts.length;
      for (let at = 0; at < n; ) {
        const size = ROW_GROUP_SIZES[Math.min(groups, 1)] as number;
        const take = Math.min(n - at, size - fill);
        BAR_COLUMNS.forEach((name, c) => (group[c] as Float64Array).set(bars[name].subarray(at, at + take), fill));
        fill += take;
        at += take;
        if (fill === size) writeGroup();
      }
    },
    finish() {
      if (fill > 0) writeGroup();
      void parquet.finish();
      drain();
    },
  };
}

/**
 * Bars as Parquet bytes: `ts` INT64 with logical type TIMESTAMP(MILLIS, UTC), values DOUBLE, no nulls.
 * @example writeFileSync('bars.parquet', barsToParquet(bars));
 */
export function barsToParquet(bars: Bars): Uint8Array {
  const { parquetWriteBuffer } = loadParquetWriter();
  const columnData = BAR_COLUMNS.map((name) => ({ name, data: bars[name] }));
  return new Uint8Array(parquetWriteBuffer({ columnData, schema: PARQUET_SCHEMA, createdBy: CREATED_BY }));
}

/**
 * hyparquet-writer, loaded on first use: an ingest never pays for it. `require` of the ESM
 * package (Node >= 20.19) keeps the writers synchronous.
 */
function loadParquetWriter(): typeof import('hyparquet-writer') {
  return createRequire(import.meta.url)('hyparquet-writer') as typeof import('hyparquet-writer');
}
