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

function matches(record: JsonRecord, filter: Filter): boolean {
  const value = valueAt(record, filter.field);
  switch (filter.op) {
    case 'eq':
      return value === filter.value;
    case 'has':
      return Array.isArray(value) && value.includes(filter.value);
    case 'gte':
      return typeof value === typeof filter.value && (value as number | string) >= filter.value;
    case 'lte':
      return typeof value === typeof filter.value && (value as number | string) <= filter.value;
  }
}

/**
 * Filters, sorts and pages records in memory, with the same semantics as the postgres driver's SQL.
 * @example queryRecords(records, { where: [{ field: 'strategy', op: 'eq', value: 'ma-cross' }], limit: 10, offset: 0 })
 */
export function queryRecords(records: Iterable<[string, JsonRecord]>, query: ListQuery): { items: JsonRecord[]; total: number } {
  const hits: Array<[string, JsonRecord]> = [];
  for (const entry of records) if (query.where.every((filter) => matches(entry[1], filter))) hits.push(entry);
  const sort = query.sort;
  const sign = sort?.direction === 'desc' ? -1 : 1;
  hits.sort((a, b) => {
    if (sort) {
      const byValue = compareValues(typedValue(a[1], sort.field, sort.type), typedValue(b[1], sort.field, sort.type), sign);
      if (byValue !== 0) return byValue;
    }
    return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
  });
  return { items: hits.slice(query.offset, query.offset + query.limit).map((entry) => entry[1]), total: hits.length };
}

function typedValue(record: JsonRecord, field: string, type: 'string' | 'number'): string | number | undefined {
  const value = valueAt(record, field);
  return typeof value === type ? (value as string | number) : undefined;
}

/** Missing values last in both directions. */
function compareValues(a: string | number | undefined, b: string | number | undefined, sign: number): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  return a < b ? -sign : a > b ? sign : 0;
}
