import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRun, parseRunConfig } from '@buff/engine';
import { openRunRegistry } from '@buff/registry';
import { runBuilt, serveBuilt, type BuiltServer } from './helpers/built-cli.js';
import { startTestPostgres } from './helpers/pg.js';
import { call, fixtureConfig, makeRoots } from './helpers/server.js';

// `buff serve --driver pg --pg-url URL` (built bundle) lists runs from a PostgreSQL registry:
// /api/runs?where= and ?symbol= in any case run as SQL there. The tag is set in PostgreSQL only
// (the run folders know nothing of it), so finding the run by it shows the server reads PostgreSQL.

const TIMEOUT = 180_000;
const pg = await startTestPostgres();
const roots = makeRoots('buff-serve-pg-');
afterAll(async () => {
  await pg?.stop();
  roots.cleanup();
});

describe.skipIf(!pg)('buff serve on a PostgreSQL registry (built bundle)', () => {
  let url: string;
  let served: BuiltServer | undefined;
  const ids: string[] = [];

  beforeAll(async () => {
    url = await (pg as NonNullable<typeof pg>).createDatabase();
    const registry = await openRunRegistry({ runsRoot: roots.runsRoot, create: true, driver: 'postgres', pgUrl: url });
    try {
      for (const [fast, slow] of [
        [3, 12],
        [10, 40],
      ] as const) {
        const config = fixtureConfig({
          name: `sma ${fast}/${slow}`,
          strategy: { name: 'sma-cross', params: { fast, slow } },
        });
        ids.push((await buildRun(parseRunConfig(config), { runStore: registry, dataRoot: roots.dataRoot })).runId);
      }
      await registry.setTags(ids[0] as string, ['in-pg']);
    } finally {
      await registry.close();
    }
    served = await serveBuilt([
      '--runs-root',
      roots.runsRoot,
      '--data-root',
      roots.dataRoot,
      '--driver',
      'pg',
      '--pg-url',
      url,
    ]);
  }, TIMEOUT);
  afterAll(async () => {
    expect(await served?.stop()).toBe(0);
  });

  it(
    'answers /api/runs?where= and ?symbol= (any case) and ?tag= from PostgreSQL',
    async () => {
      const base = (served as BuiltServer).url;
      const all = (await call(`${base}/api/runs`)).body as {
        items: Array<{ id: string; metrics: { sharpe: number } }>;
      };
      expect(all.items.map((r) => r.id).sort()).toEqual([...ids].sort());
      const [low, high] = [...all.items].sort((a, b) => a.metrics.sharpe - b.metrics.sharpe);
      expect(low?.metrics.sharpe).not.toBe(high?.metrics.sharpe);
      const cut = (((low?.metrics.sharpe ?? 0) + (high?.metrics.sharpe ?? 0)) / 2).toFixed(6);
      const where = await call(`${base}/api/runs?where=${encodeURIComponent(`sharpe>${cut}`)}&symbol=btc-usd`);
      expect(where.body.items.map((r: { id: string }) => r.id)).toEqual([high?.id]);
      const tagged = await call(`${base}/api/runs?tag=in-pg`);
      expect(tagged.body.items.map((r: { id: string }) => r.id)).toEqual([ids[0]]);
      const bad = await call(`${base}/api/runs?where=${encodeURIComponent('sharpe>>1')}`);
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('metric filter "sharpe>>1"');
    },
    TIMEOUT,
  );

  it(
    'refuses --driver pg without a connection string (exit 3)',
    async () => {
      const result = await runBuilt(['serve', '--runs-root', roots.runsRoot, '--port', '0', '--driver', 'pg'], {
        env: { BUFF_PG_URL: '' },
      });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('--pg-url');
    },
    TIMEOUT,
  );
});
