import { describe, expect, it } from 'vitest';
import { RunListQuerySchema } from '@buff/registry';
import { createListCache } from './list-cache.js';

describe('createListCache', () => {
  it('serves a query from cache within the TTL, shares concurrent misses, and clears', async () => {
    let now = 0;
    let loads = 0;
    const cache = createListCache({ ttlMs: 1000, now: () => now });
    const load = async () => ({ items: [], total: ++loads });
    const query = RunListQuerySchema.parse({ strategy: 'sma-cross' });
    const [a, b] = await Promise.all([cache.get(query, load), cache.get(query, load)]);
    expect([a.total, b.total, loads]).toEqual([1, 1, 1]);
    now = 999;
    expect((await cache.get(query, load)).total).toBe(1);
    expect((await cache.get(RunListQuerySchema.parse({ strategy: 'other' }), load)).total).toBe(2);
    now = 1000;
    expect((await cache.get(query, load)).total).toBe(3);
    cache.clear();
    expect((await cache.get(query, load)).total).toBe(4);
  });

  it('does not keep failures and can be turned off', async () => {
    const cache = createListCache({ ttlMs: 1000 });
    const query = RunListQuerySchema.parse({});
    await expect(cache.get(query, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect((await cache.get(query, async () => ({ items: [], total: 7 }))).total).toBe(7);
    let loads = 0;
    const off = createListCache({ ttlMs: 0 });
    await off.get(query, async () => ({ items: [], total: ++loads }));
    await off.get(query, async () => ({ items: [], total: ++loads }));
    expect(loads).toBe(2);
  });
});
