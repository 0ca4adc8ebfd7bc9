import { canonicalJson } from '@buff/core';
import type { RunListQuery, RunRecord } from '@buff/registry';

type Page = { items: RunRecord[]; total: number };

/** A short-lived cache of run listings, shared by /api/runs and /runs. */
export interface ListCache {
  /** The listing for `query`: cached if younger than the TTL; concurrent misses share one registry call. */
  get(query: RunListQuery & { where?: string }, load: () => Promise<Page>): Promise<Page>;
  /** Forgets everything (called when this server publishes a run). */
  clear(): void;
}

/**
 * Micro-cache for listings: under many concurrent readers each distinct query hits the registry
 * at most once per `ttlMs`, so a listing may lag a run published by another process by up to
 * `ttlMs` (runs this server creates clear it at once). `ttlMs` 0 disables it.
 * @example const page = await cache.get(query, () => registry.list(query));
 */
export function createListCache(options: { ttlMs: number; maxEntries?: number; now?: () => number }): ListCache {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 500;
  const entries = new Map<string, { at: number; page: Promise<Page> }>();
  return {
    get(query, load) {
      if (options.ttlMs <= 0) return load();
      const key = canonicalJson({ ...query, where: query.where ?? null });
      const hit = entries.get(key);
      const t = now();
      if (hit && t - hit.at < options.ttlMs) return hit.page;
      const page = load();
      entries.delete(key);
      entries.set(key, { at: t, page });
      page.catch(() => entries.delete(key));
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return page;
    },
    clear() {
      entries.clear();
    },
  };
}
