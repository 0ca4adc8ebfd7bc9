import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Filter, JsonRecord, StorageDriver } from './storage-driver.js';

/** A driver under test, how to open a second instance on the same storage, and how to clean up. */
export interface DriverFixture {
  driver: StorageDriver;
  reopen(): Promise<StorageDriver>;
  cleanup(): Promise<void>;
}

const record = (id: string, extra: Partial<JsonRecord> = {}): JsonRecord => ({
  id,
  name: `run ${id}`,
  strategy: 'ma-cross',
  symbols: ['BTC-USD'],
  createdAt: '2024-01-01T00:00:00.000Z',
  metrics: { sharpe: 1 },
  tags: [],
  ...extra,
});

/**
 * The one suite every StorageDriver passes (hono's `common.case.test.ts` pattern).
 * @example describeStorageDriver('fs', async () => ({ driver, reopen, cleanup }));
 */
export function describeStorageDriver(name: string, open: () => Promise<DriverFixture>): void {
  describe(`StorageDriver contract: ${name}`, () => {
    let fixture: DriverFixture;
    let driver: StorageDriver;
    beforeEach(async () => {
      fixture = await open();
      driver = fixture.driver;
    });
    afterEach(async () => {
      await driver.close();
      await fixture.cleanup();
    });

    it('inserts once, then refuses the same id without changing it', async () => {
      expect(await driver.get('runs', 'a')).toBeUndefined();
      expect(await driver.insert('runs', 'a', record('a'))).toBe(true);
      expect(await driver.insert('runs', 'a', record('a', { name: 'other' }))).toBe(false);
      expect(await driver.get('runs', 'a')).toEqual(record('a'));
    });

    it('keeps collections apart', async () => {
      await driver.insert('runs', 'x', record('x'));
      await driver.insert('models', 'x', { kind: 'model' });
      expect(await driver.get('models', 'x')).toEqual({ kind: 'model' });
      expect(await driver.ids('runs')).toEqual(['x']);
    });

    it('puts many (replacing), removes, and lists ids sorted', async () => {
      await driver.putMany('runs', [
        { id: 'b', record: record('b') },
        { id: 'a', record: record('a') },
      ]);
      await driver.putMany('runs', [{ id: 'b', record: record('b', { name: 'renamed' }) }]);
      expect((await driver.get('runs', 'b'))?.name).toBe('renamed');
      expect(await driver.ids('runs')).toEqual(['a', 'b']);
      expect(await driver.remove('runs', 'a')).toBe(true);
      expect(await driver.remove('runs', 'a')).toBe(false);
      expect(await driver.ids('runs')).toEqual(['b']);
    });

    it('filters, sorts (missing values last, ties by id) and pages', async () => {
      await driver.putMany('runs', [
        {
          id: 'r1',
          record: record('r1', { strategy: 'rsi', createdAt: '2024-01-03T00:00:00.000Z', metrics: { sharpe: 2 } }),
        },
        {
          id: 'r2',
          record: record('r2', {
            symbols: ['ETH-USD', 'BTC-USD'],
            createdAt: '2024-01-01T00:00:00.000Z',
            metrics: { sharpe: -1 },
          }),
        },
        {
          id: 'r3',
          record: record('r3', { symbols: ['ETH-USD'], createdAt: '2024-01-02T00:00:00.000Z', metrics: {} }),
        },
        {
          id: 'r4',
          record: record('r4', { createdAt: '2024-01-02T00:00:00.000Z', metrics: { sharpe: 0.5 }, tags: ['keep'] }),
        },
      ]);
      const ids = async (query: Parameters<StorageDriver['list']>[1]) =>
        (await driver.list('runs', query)).items.map((r) => r.id);
      expect(
        await ids({
          where: [{ field: 'strategy', op: 'eq', value: 'ma-cross' }],
          sort: { field: 'id', direction: 'asc', type: 'string' },
        }),
      ).toEqual(['r2', 'r3', 'r4']);
      expect(
        await ids({
          where: [{ field: 'symbols', op: 'has', value: 'ETH-USD' }],
          sort: { field: 'id', direction: 'asc', type: 'string' },
        }),
      ).toEqual(['r2', 'r3']);
      expect(await ids({ where: [{ field: 'tags', op: 'has', value: 'keep' }] })).toEqual(['r4']);
      expect(
        await ids({
          where: [
            { field: 'createdAt', op: 'gte', value: '2024-01-02T00:00:00.000Z' },
            { field: 'createdAt', op: 'lte', value: '2024-01-02T23:59:59.999Z' },
          ],
        }),
      ).toEqual(['r3', 'r4']);
      expect(
        await ids({
          where: [{ field: 'metrics.sharpe', op: 'gte', value: 0.5 }],
          sort: { field: 'metrics.sharpe', direction: 'desc', type: 'number' },
        }),
      ).toEqual(['r1', 'r4']);
      expect(await ids({ sort: { field: 'createdAt', direction: 'desc', type: 'string' } })).toEqual([
        'r1',
        'r3',
        'r4',
        'r2',
      ]);
      expect(await ids({ sort: { field: 'metrics.sharpe', direction: 'asc', type: 'number' } })).toEqual([
        'r2',
        'r4',
        'r1',
        'r3',
      ]);
      expect(await ids({ sort: { field: 'metrics.sharpe', direction: 'desc', type: 'number' } })).toEqual([
        'r1',
        'r4',
        'r2',
        'r3',
      ]);
      const page = await driver.list('runs', {
        sort: { field: 'createdAt', direction: 'asc', type: 'string' },
        limit: 2,
        offset: 1,
      });
      expect(page.items.map((r) => r.id)).toEqual(['r3', 'r4']);
      expect(page.total).toBe(4);
      const beyond = await driver.list('runs', {
        where: [{ field: 'strategy', op: 'eq', value: 'ma-cross' }],
        limit: 2,
        offset: 10,
      });
      expect(beyond).toEqual({ items: [], total: 3 });
    });

    it('filters with gt/lt (exclusive) and hasAnyCase (symbols ignoring case) in the driver', async () => {
      await driver.putMany('runs', [
        { id: 'a', record: record('a', { symbols: ['btc-usd'], metrics: { sharpe: 1, totalReturn: 0.05 } }) },
        { id: 'b', record: record('b', { symbols: ['ETH-USD', 'BTC-USD'], metrics: { sharpe: 1.5 } }) },
        { id: 'c', record: record('c', { symbols: ['ETH-USD'], metrics: { sharpe: 0.2, totalReturn: -0.1 } }) },
        { id: 'd', record: record('d', { symbols: 'BTC-USD', metrics: {} }) },
      ]);
      const ids = async (where: Filter[]) =>
        (await driver.list('runs', { where, sort: { field: 'id', direction: 'asc', type: 'string' } })).items.map(
          (r) => r.id,
        );
      expect(await ids([{ field: 'metrics.sharpe', op: 'gt', value: 1 }])).toEqual(['b']);
      expect(await ids([{ field: 'metrics.sharpe', op: 'lt', value: 1 }])).toEqual(['c']);
      expect(await ids([{ field: 'metrics.sharpe', op: 'eq', value: 1 }])).toEqual(['a']);
      expect(await ids([{ field: 'metrics.totalReturn', op: 'gt', value: -0.1 }])).toEqual(['a']);
      // a string array only ('d' holds a plain string); ASCII case folded on both sides
      expect(await ids([{ field: 'symbols', op: 'hasAnyCase', value: 'BTC-usd' }])).toEqual(['a', 'b']);
      expect(await ids([{ field: 'symbols', op: 'has', value: 'BTC-USD' }])).toEqual(['b']);
      expect(
        await ids([
          { field: 'symbols', op: 'hasAnyCase', value: 'eth-usd' },
          { field: 'metrics.sharpe', op: 'gt', value: 0.2 },
        ]),
      ).toEqual(['b']);
      expect(
        (await driver.list('runs', { where: [{ field: 'metrics.sharpe', op: 'gt', value: 0 }], limit: 1 })).total,
      ).toBe(3);
    });

    it('matches eq and has exactly, whatever the value (short, long, quoted, non-ASCII, boolean, number)', async () => {
      const long = 'x'.repeat(300);
      await driver.putMany('runs', [
        { id: 'p1', record: record('p1', { strategy: 'say "hi"\\ é', symbols: ['rsi'], legacy: true, tags: [long] }) },
        {
          id: 'p2',
          record: record('p2', {
            strategy: long,
            symbols: ['say "hi"\\ é', 'ma-cross'],
            legacy: false,
            tags: ['true'],
          }),
        },
        {
          id: 'p3',
          record: record('p3', { strategy: ['rsi'], symbols: 'rsi', legacy: 'true', tags: [true], level: 3 }),
        },
        { id: 'p4', record: record('p4', { strategy: 'rsi', symbols: [], legacy: false, tags: [], level: 3.5 }) },
      ]);
      const ids = async (where: Filter[]) =>
        (await driver.list('runs', { where, sort: { field: 'id', direction: 'asc', type: 'string' } })).items.map(
          (r) => r.id,
        );
      // eq never matches inside an array, has never matches a scalar
      expect(await ids([{ field: 'strategy', op: 'eq', value: 'rsi' }])).toEqual(['p4']);
      expect(await ids([{ field: 'symbols', op: 'has', value: 'rsi' }])).toEqual(['p1']);
      expect(await ids([{ field: 'strategy', op: 'eq', value: 'say "hi"\\ é' }])).toEqual(['p1']);
      expect(await ids([{ field: 'symbols', op: 'has', value: 'say "hi"\\ é' }])).toEqual(['p2']);
      expect(await ids([{ field: 'strategy', op: 'eq', value: long }])).toEqual(['p2']);
      expect(await ids([{ field: 'tags', op: 'has', value: long }])).toEqual(['p1']);
      // booleans are not strings
      expect(await ids([{ field: 'legacy', op: 'eq', value: true }])).toEqual(['p1']);
      expect(await ids([{ field: 'legacy', op: 'eq', value: 'true' }])).toEqual(['p3']);
      expect(await ids([{ field: 'tags', op: 'has', value: true }])).toEqual(['p3']);
      expect(await ids([{ field: 'tags', op: 'has', value: 'true' }])).toEqual(['p2']);
      expect(await ids([{ field: 'level', op: 'eq', value: 3 }])).toEqual(['p3']);
      // several filters AND together
      expect(
        await ids([
          { field: 'legacy', op: 'eq', value: false },
          { field: 'symbols', op: 'has', value: 'ma-cross' },
        ]),
      ).toEqual(['p2']);
      expect(
        await ids([
          { field: 'legacy', op: 'eq', value: false },
          { field: 'strategy', op: 'eq', value: 'nope' },
        ]),
      ).toEqual([]);
    });

    it('pages filtered, newest-first listings the same whether the page is small or large', async () => {
      const at = (day: number) => `2024-01-${String(day).padStart(2, '0')}T00:00:00.000Z`;
      await driver.putMany('runs', [
        ...[1, 2, 3, 4, 5, 6].map((day) => ({
          id: `m${day}`,
          record: record(`m${day}`, { createdAt: at(day), symbols: day % 2 === 0 ? ['ETH-USD'] : ['BTC-USD'] }),
        })),
        { id: 'm0', record: record('m0', { createdAt: at(4), symbols: ['ETH-USD'] }) },
        { id: 'n1', record: record('n1', { strategy: 'rsi', createdAt: at(9), symbols: ['ETH-USD'] }) },
        { id: 'n2', record: record('n2', { createdAt: undefined, symbols: ['ETH-USD'] }) },
      ]);
      const where: Filter[] = [
        { field: 'strategy', op: 'eq', value: 'ma-cross' },
        { field: 'symbols', op: 'has', value: 'ETH-USD' },
      ];
      const page = async (direction: 'asc' | 'desc', limit: number, offset: number) => {
        const result = await driver.list('runs', {
          where,
          sort: { field: 'createdAt', direction, type: 'string' },
          limit,
          offset,
        });
        return { ids: result.items.map((r) => r.id), total: result.total };
      };
      // missing createdAt last in both directions; equal createdAt by id
      expect(await page('desc', 50, 0)).toEqual({ ids: ['m6', 'm0', 'm4', 'm2', 'n2'], total: 5 });
      expect(await page('desc', 1, 1)).toEqual({ ids: ['m0'], total: 5 });
      expect(await page('desc', 2, 2)).toEqual({ ids: ['m4', 'm2'], total: 5 });
      expect(await page('asc', 50, 0)).toEqual({ ids: ['m2', 'm0', 'm4', 'm6', 'n2'], total: 5 });
      expect(await page('asc', 2, 1)).toEqual({ ids: ['m0', 'm4'], total: 5 });
      expect(await page('desc', 2, 5)).toEqual({ ids: [], total: 5 });
    });

    it('replaces a whole collection', async () => {
      await driver.putMany('runs', [{ id: 'old', record: record('old') }]);
      await driver.insert('models', 'm', { kind: 'model' });
      await driver.replaceAll('runs', [{ id: 'new', record: record('new') }]);
      expect(await driver.ids('runs')).toEqual(['new']);
      expect(await driver.ids('models')).toEqual(['m']);
    });

    it('appends audit entries in order and filters them', async () => {
      const first = await driver.appendAudit({
        at: '2024-01-01T00:00:00.000Z',
        collection: 'models',
        id: 'm1',
        action: 'promote',
        actor: 'ana',
        details: { version: 1 },
      });
      const second = await driver.appendAudit({
        at: '2024-01-01T00:00:01.000Z',
        collection: 'models',
        id: 'm2',
        action: 'rollback',
        actor: 'bo',
        details: {},
      });
      expect(second.seq).toBeGreaterThan(first.seq);
      expect((await driver.readAudit()).map((e) => e.action)).toEqual(['promote', 'rollback']);
      expect(await driver.readAudit({ id: 'm1' })).toEqual([first]);
    });

    it('runs exclusive sections one at a time (read-check-write stays correct)', async () => {
      await driver.putMany('counters', [{ id: 'c', record: { n: 0 } }]);
      const bump = () =>
        driver.exclusive(async () => {
          const n = ((await driver.get('counters', 'c'))?.n as number) ?? 0;
          await new Promise((resolve) => setTimeout(resolve, 1));
          await driver.putMany('counters', [{ id: 'c', record: { n: n + 1 } }]);
        });
      await Promise.all(Array.from({ length: 10 }, bump));
      expect((await driver.get('counters', 'c'))?.n).toBe(10);
    });

    it('persists: a second instance sees every write, including later ones', async () => {
      await driver.insert('runs', 'p1', record('p1'));
      await driver.appendAudit({
        at: '2024-01-01T00:00:00.000Z',
        collection: 'runs',
        id: 'p1',
        action: 'tag',
        actor: 'x',
        details: {},
      });
      const other = await fixture.reopen();
      try {
        expect(await other.get('runs', 'p1')).toEqual(record('p1'));
        await driver.insert('runs', 'p2', record('p2'));
        expect(await other.ids('runs')).toEqual(['p1', 'p2']);
        expect(await other.readAudit()).toHaveLength(1);
      } finally {
        await other.close();
      }
    });

    it('moves its change stamp at every write of records, by this instance or another, and only then', async () => {
      const seen = [await driver.changeStamp()];
      const moved = async (): Promise<void> => {
        const stamp = await driver.changeStamp();
        expect(seen).not.toContain(stamp);
        seen.push(stamp);
      };
      await driver.insert('runs', 's1', record('s1'));
      await moved();
      // reads leave it as it is
      await driver.get('runs', 's1');
      await driver.list('runs', {});
      await driver.ids('runs');
      await driver.readAudit();
      expect(await driver.changeStamp()).toBe(seen.at(-1));
      await driver.putMany('runs', [{ id: 's1', record: record('s1', { name: 'renamed' }) }]);
      await moved();
      await driver.remove('runs', 's1');
      await moved();
      await driver.replaceAll('runs', [{ id: 's2', record: record('s2') }]);
      await moved();
      const other = await fixture.reopen();
      try {
        await other.insert('models', 'm', { kind: 'model' });
        await moved();
        // the other instance's stamp is the same token for the same state
        expect(await other.changeStamp()).toBe(seen.at(-1));
      } finally {
        await other.close();
      }
    });
  });
}
