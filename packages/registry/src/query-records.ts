import type { Filter, JsonRecord, ListQuery } from './storage-driver.js';

/** The value at a dotted path of a record. */
export function valueAt(record: JsonRecord, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A field reader with the path split once (the hot loop runs it per record). */
function reader(path: string): (record: JsonRecord) => unknown {
  const keys = path.split('.');
  if (keys.length === 1) return (record) => record[path];
  return (record) => valueAt(record, path);
}

function compile(filter: Filter): (record: JsonRecord) => boolean {
  const read = reader(filter.field);
  const want = filter.value;
  switch (filter.op) {
    case 'eq':
      return (record) => read(record) === want;
    case 'has':
      return (record) => {
        const value = read(record);
        return Array.isArray(value) && value.includes(want);
      };
    case 'hasAnyCase': {
      const folded = String(want).toLowerCase();
      return (record) => {
        const value = read(record);
        return Array.isArray(value) && value.some((v) => typeof v === 'string' && v.toLowerCase() === folded);
      };
    }
    case 'gte':
    case 'lte':
    case 'gt':
    case 'lt': {
      const holds = RANGE[filter.op];
      return (record) => {
        const value = read(record);
        return typeof value === typeof want && holds(value as number | string, want as number | string);
      };
    }
  }
}

const RANGE = {
  gte: (a: number | string, b: number | string) => a >= b,
  lte: (a: number | string, b: number | string) => a <= b,
  gt: (a: number | string, b: number | string) => a > b,
  lt: (a: number | string, b: number | string) => a < b,
} as const;

/**
 * Filters, sorts and pages records in memory, with the same semantics as the postgres driver's SQL.
 * @example queryRecords(records, { where: [{ field: 'strategy', op: 'eq', value: 'ma-cross' }], limit: 10, offset: 0 })
 */
export function queryRecords(
  records: Iterable<[string, JsonRecord]>,
  query: ListQuery,
): { items: JsonRecord[]; total: number } {
  const tests = query.where.map(compile);
  const hits: Array<[string, JsonRecord]> = [];
  outer: for (const entry of records) {
    for (const test of tests) if (!test(entry[1])) continue outer;
    hits.push(entry);
  }
  const sort = query.sort;
  const sign = sort?.direction === 'desc' ? -1 : 1;
  const read = sort ? reader(sort.field) : undefined;
  const keyed = hits.map(([id, record]) => {
    const value = read?.(record);
    return { id, record, key: typeof value === sort?.type ? (value as string | number) : undefined };
  });
  keyed.sort((a, b) => {
    const byValue = sort ? compareValues(a.key, b.key, sign) : 0;
    if (byValue !== 0) return byValue;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return {
    items: keyed.slice(query.offset, query.offset + query.limit).map((entry) => entry.record),
    total: hits.length,
  };
}

/** Missing values last in both directions. */
function compareValues(a: string | number | undefined, b: string | number | undefined, sign: number): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  return a < b ? -sign : a > b ? sign : 0;
}
