import { z } from 'zod';

/** A record as drivers store it: a JSON object. */
export type JsonRecord = Record<string, unknown>;

/**
 * One filter on a record field (`field` is a dotted path such as `metrics.sharpe`):
 * `eq` equal scalar, `has` array contains the value, `hasAnyCase` array contains the string
 * ignoring ASCII case, `gte`/`lte` inclusive and `gt`/`lt` exclusive range (numbers numerically,
 * strings by code unit, so ISO timestamps compare by time).
 */
export const FilterSchema = z
  .object({
    field: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/),
    op: z.enum(['eq', 'has', 'hasAnyCase', 'gte', 'lte', 'gt', 'lt']),
    value: z.union([z.string(), z.number(), z.boolean()]),
  })
  .strict();
export type Filter = z.infer<typeof FilterSchema>;

/** Filters, sort and page pushed down to the driver. Sort ties break on id (ascending); missing values sort last. */
export const ListQuerySchema = z
  .object({
    where: z.array(FilterSchema).default([]),
    sort: z
      .object({
        field: FilterSchema.shape.field,
        direction: z.enum(['asc', 'desc']),
        type: z.enum(['string', 'number']),
      })
      .strict()
      .optional(),
    limit: z.number().int().min(0).default(50),
    offset: z.number().int().min(0).default(0),
  })
  .strict();
export type ListQuery = z.infer<typeof ListQuerySchema>;
export type ListQueryInput = z.input<typeof ListQuerySchema>;

/** One line of the append-only audit log. */
export const AuditEntrySchema = z
  .object({
    seq: z.number().int().positive(),
    at: z.string(),
    collection: z.string(),
    id: z.string(),
    action: z.string(),
    actor: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .strict();
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditInput = Omit<AuditEntry, 'seq'>;

/** What a driver found wrong while opening or refreshing its index (reported, never fatal). */
export interface DriverProblem {
  file: string;
  problem: string;
}

/**
 * The storage under RunRegistry and ModelRegistry: records by collection + id, listing with
 * filters/sort/page pushed down, an append-only audit log, and one-writer sections.
 * Implemented by the fs driver (snapshot + checksummed journal + lock file) and the postgres
 * driver; both run the shared suite in `storage-driver.cases.ts`.
 */
export interface StorageDriver {
  readonly kind: 'fs' | 'postgres';
  get(collection: string, id: string): Promise<JsonRecord | undefined>;
  list(collection: string, query: ListQueryInput): Promise<{ items: JsonRecord[]; total: number }>;
  /** Every id of a collection, sorted. */
  ids(collection: string): Promise<string[]>;
  /** Stores the record unless the id exists; false when it already did (nothing changed). */
  insert(collection: string, id: string, record: JsonRecord): Promise<boolean>;
  /** Stores many records, replacing existing ones, in one write. */
  putMany(collection: string, entries: Array<{ id: string; record: JsonRecord }>): Promise<void>;
  /** Removes a record; false when it was absent. */
  remove(collection: string, id: string): Promise<boolean>;
  /** Replaces a whole collection (an index rebuild). */
  replaceAll(collection: string, entries: Array<{ id: string; record: JsonRecord }>): Promise<void>;
  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  readAudit(filter?: { collection?: string; id?: string }): Promise<AuditEntry[]>;
  /** Runs `fn` as the only writer across processes (read-check-write sections). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Problems found when the index was read (torn tail, garbage lines); empty when clean. */
  problems(): DriverProblem[];
  /**
   * A cheap token that changes whenever a record may have changed (any write of records, by any
   * process; audit entries are not records), for callers that poll: read it before reading the records, and the same token later means the same
   * records. The fs driver stats its journal (synchronous); postgres reads a one-row counter.
   */
  changeStamp(): string | Promise<string>;
  close(): Promise<void>;
}
