import type { Filter, ListQuery } from './storage-driver.js';

/** The statements of one listing: the page (each row carries the total) and a count for an empty page. */
export interface ListSql {
  page: string;
  params: unknown[];
  count: string;
  countParams: unknown[];
}

/**
 * Builds the postgres driver's listing SQL: the page is sorted with LIMIT and the total is a count
 * over the same predicates, in one statement (one snapshot), never a window over every match.
 * Newest-first pages with exact-match filters can come two ways, and the statement picks at run
 * time from the count: walking the createdAt index until the page is full (cheap when matches are
 * common) or fetching every match through the facets index and sorting (cheap when they are rare).
 * @example const { page, params } = listSql('runs', ListQuerySchema.parse({ where, sort, limit: 50 }));
 */
export function listSql(collection: string, query: ListQuery): ListSql {
  const params: unknown[] = [collection];
  const { facets, rest } = conditions(query.where, params);
  const where = ['collection = $1', facets, ...rest].filter((part) => part !== undefined).join(' AND ');
  const countParams = [...params];
  let order = 'id COLLATE "C"';
  let key = 'NULL::text';
  if (query.sort) {
    const direction = query.sort.direction === 'desc' ? 'DESC' : 'ASC';
    key = query.sort.type === 'string' ? `(${textAt(query.sort.field)}) COLLATE "C"` : numberAt(query.sort.field);
    order = `k ${direction} NULLS LAST, ${order}`;
  }
  params.push(query.limit, query.offset);
  const page = (predicates: string) =>
    `(SELECT record, id, ${key} AS k FROM buff_records WHERE ${predicates} ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length})`;
  const count = `SELECT count(*) AS total FROM buff_records WHERE ${where}`;
  const walkable = facets !== undefined && query.sort?.field === 'createdAt' && query.sort.type === 'string';
  if (!walkable) {
    return {
      page: `WITH page AS ${page(where)} SELECT record, (${count}) AS total FROM page ORDER BY ${order}`,
      params,
      count,
      countParams,
    };
  }
  // walking reads about (offset + limit) * rows / total rows, fetching reads total: walk when that is fewer.
  // `IS TRUE` hides the facets from the index planner, so that branch can only walk; the branch not
  // chosen is never executed (its one-time filter is false).
  const walkWhere = ['collection = $1', `(${facets}) IS TRUE`, ...rest].join(' AND ');
  const rows = `(SELECT greatest(reltuples, 1) FROM pg_class WHERE oid = 'buff_records'::regclass)`;
  const sql = `WITH total AS MATERIALIZED (${count}),
    walk AS MATERIALIZED (SELECT ($${params.length - 1}::bigint + $${params.length}::bigint)::float8 * ${rows} <= (SELECT total FROM total)::float8 * (SELECT total FROM total) AS yes),
    page AS (${page(`${walkWhere} AND (SELECT yes FROM walk)`)} UNION ALL ${page(`${where} AND NOT (SELECT yes FROM walk)`)})
    SELECT record, (SELECT total FROM total) AS total FROM page ORDER BY ${order}`;
  return { page: sql, params, count, countParams };
}

/** A dotted path as a SQL text extraction; paths are identifier-only (checked by FilterSchema). */
function textAt(field: string): string {
  const parts = field.split('.');
  return parts.length === 1 ? `record ->> '${field}'` : `record #>> '{${parts.join(',')}}'`;
}

function numberAt(field: string): string {
  const json = `record #> '{${field.split('.').join(',')}}'`;
  return `(CASE WHEN jsonb_typeof(${json}) = 'number' THEN (${json})::text::float8 END)`;
}

/** Facet strings are short ASCII JSON texts (see migration 3); other values use JSONB containment. */
const FACET_VALUE = /^[\x20-\x7e]{1,200}$/;

/**
 * SQL conditions for the filters. Top-level eq/has filters on strings and booleans become one
 * `facets @> ARRAY[...]` (exact, GIN-indexed); the rest JSONB containment or a range on the value.
 */
function conditions(filters: Filter[], params: unknown[]): { facets: string | undefined; rest: string[] } {
  const facets: string[] = [];
  const rest: string[] = [];
  for (const filter of filters) {
    const json = JSON.stringify(filter.value);
    if (
      (filter.op === 'eq' || filter.op === 'has') &&
      typeof filter.value !== 'number' &&
      !filter.field.includes('.') &&
      FACET_VALUE.test(json)
    ) {
      params.push(`${filter.field}${filter.op === 'has' ? '[]' : ''}=`, json);
      // the JSON text is rendered by the server (jsonb output), exactly as buff_facets renders it
      facets.push(`$${params.length - 1}::text || ($${params.length}::jsonb)::text`);
    } else {
      rest.push(condition(filter, params));
    }
  }
  return { facets: facets.length > 0 ? `facets @> ARRAY[${facets.join(', ')}]` : undefined, rest };
}

function condition(filter: Filter, params: unknown[]): string {
  const nest = (leaf: unknown): unknown =>
    filter.field.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), leaf);
  switch (filter.op) {
    case 'eq':
      params.push(JSON.stringify(nest(filter.value)));
      return `record @> $${params.length}::jsonb`;
    case 'has':
      params.push(JSON.stringify(nest([filter.value])));
      return `record @> $${params.length}::jsonb`;
    case 'hasAnyCase': {
      const json = `record #> '{${filter.field.split('.').join(',')}}'`;
      params.push(String(filter.value).toLowerCase());
      // lower() folds A-Z as toLowerCase does (symbols are ASCII); a non-array matches nothing
      return `EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(${json}) = 'array' THEN ${json} END) AS e(v) WHERE lower(e.v) = $${params.length}::text)`;
    }
    case 'gte':
    case 'lte':
    case 'gt':
    case 'lt': {
      const op = { gte: '>=', lte: '<=', gt: '>', lt: '<' }[filter.op];
      params.push(filter.value);
      if (typeof filter.value === 'number') return `${numberAt(filter.field)} ${op} $${params.length}::float8`;
      if (typeof filter.value === 'string')
        return `(${textAt(filter.field)}) COLLATE "C" ${op} $${params.length}::text`;
      return 'false';
    }
  }
}
