import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJson } from './helpers/cli.js';
import { runBuilt } from './helpers/built-cli.js';
import { startTestPostgres } from './helpers/pg.js';
import { makeTempDir } from './helpers/tmp.js';

// Run tags through the built `buff` (needs `npm run build`): a config's `tags:` and `buff runs tag`
// are registry metadata, never part of the run id or the manifest; fs and PostgreSQL registries.

const TIMEOUT = 180_000;
const temp = makeTempDir('buff-cli-tags-');
const server = await startTestPostgres();
afterAll(async () => {
  await server?.stop();
  temp.cleanup();
});

const CONFIG = `name: tagged sma
strategy: { name: sma-cross, params: { fast: 5, slow: 20 } }
symbols: [BTC-USD]
timeframe: 1h
window: { since: "2024-01-01T00:00:00Z", until: "2024-01-08T00:00:00Z" }
data: { provider: synthetic, synthetic: { seed: 4, signal: 0.2 } }
seed: 4
`;
const write = (name: string, text: string) => {
  const file = join(temp.dir, name);
  writeFileSync(file, text);
  return file;
};
const plain = write('plain.yml', CONFIG);
const tagged = write('tagged.yml', `${CONFIG}tags: [baseline, sma, baseline]\n`);
const data = ['--data-root', join(temp.dir, 'data')];

type Listed = { total: number; items: Array<{ id: string; tags: string[] }> };

/** `buff runs list ARGS --json` on a registry (`registry`: --runs-root and driver flags). */
async function listed(registry: string[], args: string[] = []): Promise<Listed> {
  const result = await runBuilt(['runs', 'list', '--kind', 'run', ...registry, ...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return lastJson<Listed>(result.stdout);
}

/** Builds `config` into a registry and returns the run id and the run's tags (from --json). */
async function build(config: string, registry: string[]): Promise<{ runId: string; tags: string[] }> {
  const result = await runBuilt(['run', 'build', '--config', config, ...registry, ...data, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return lastJson<{ runId: string; tags: string[] }>(result.stdout);
}

describe('run tags (built bundle)', () => {
  it(
    'tags: in a config leave the run id and manifest unchanged, land in the registry and filter the runs list',
    async () => {
      const a = ['--runs-root', join(temp.dir, 'a')];
      const b = ['--runs-root', join(temp.dir, 'b')];
      const untagged = await build(plain, a);
      const withTags = await build(tagged, b);
      expect(withTags.runId).toBe(untagged.runId);
      expect(untagged.tags).toEqual([]);
      expect(withTags.tags).toEqual(['baseline', 'sma']);
      const manifest = (root: string) => readFileSync(join(temp.dir, root, untagged.runId, 'manifest.json'), 'utf8');
      expect(manifest('b')).toBe(manifest('a'));
      expect(manifest('b')).not.toContain('baseline');

      expect((await listed(b, ['--tag', 'baseline'])).items.map((r) => r.id)).toEqual([withTags.runId]);
      expect((await listed(b, ['--tag', 'other'])).total).toBe(0);
      const human = await runBuilt(['runs', 'list', ...b]);
      expect(human.stdout).toMatch(new RegExp(`${withTags.runId}.*baseline,sma`));

      // the tagged config built again where the untagged run exists: nothing rewritten, tags added
      const again = await runBuilt(['run', 'build', '--config', tagged, ...a, ...data]);
      expect(again.stdout).toContain('already built: nothing rewritten');
      expect(again.stdout).toContain('tags baseline, sma');
      expect((await listed(a, ['--tag', 'sma'])).total).toBe(1);

      const bad = await runBuilt([
        'run',
        'build',
        '--config',
        write('bad.yml', `${CONFIG}tags: [has space]\n`),
        ...a,
        ...data,
      ]);
      expect(bad.code).toBe(3);
      expect(bad.stderr).toContain('tags.0');
    },
    TIMEOUT,
  );

  it(
    'buff runs tag adds and removes tags; an unknown run and a bad tag are refused (exit 3)',
    async () => {
      const c = ['--runs-root', join(temp.dir, 'c')];
      const { runId } = await build(plain, c);
      const added = await runBuilt(['runs', 'tag', runId, 'keep', 'drop', ...c]);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout.trim()).toBe(`${runId}: drop, keep`);
      const removed = await runBuilt(['runs', 'tag', runId, 'drop', '--remove', ...c, '--json']);
      expect(lastJson(removed.stdout)).toMatchObject({ ok: true, id: runId, tags: ['keep'] });
      expect((await listed(c, ['--tag', 'keep'])).items.map((r) => r.id)).toEqual([runId]);
      expect((await listed(c, ['--tag', 'drop'])).total).toBe(0);
      const unknown = await runBuilt(['runs', 'tag', 'run-0000000000000000', 'x', ...c]);
      expect(unknown.code).toBe(3);
      expect(unknown.stderr).toContain('RUN_NOT_FOUND');
      const bad = await runBuilt(['runs', 'tag', runId, 'a b', ...c]);
      expect(bad.code).toBe(3);
      expect(bad.stderr).toContain('a tag is 1-64 of');
    },
    TIMEOUT,
  );

  it.skipIf(!server)(
    'on the PostgreSQL registry: config tags and buff runs tag are stored and filtered there',
    async () => {
      const url = await (server as NonNullable<typeof server>).createDatabase();
      const pgRegistry = ['--runs-root', join(temp.dir, 'pg'), '--driver', 'postgres', '--pg-url', url];
      const { runId, tags } = await build(tagged, pgRegistry);
      expect(tags).toEqual(['baseline', 'sma']);
      expect((await listed(pgRegistry, ['--tag', 'baseline'])).items.map((r) => r.id)).toEqual([runId]);
      const retagged = await runBuilt(['runs', 'tag', runId, 'sma', '--remove', ...pgRegistry, '--json']);
      expect(lastJson(retagged.stdout)).toMatchObject({ ok: true, tags: ['baseline'] });
      expect((await listed(pgRegistry, ['--tag', 'sma'])).total).toBe(0);
    },
    TIMEOUT,
  );
});
