import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournalFrom, runDryRun, type ModelResolver } from '@buff/engine';
import { openModelRegistry, type ModelRegistry } from '@buff/registry';
import { parse } from 'yaml';
import { registryModelResolver } from '../packages/cli/src/model-resolver.js';
import { REPO_ROOT } from './helpers/cli.js';
import { registerSecondVersion } from './helpers/dryrun.js';
import { dryConfigYaml } from './helpers/dryrun-setup.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { startTestPostgres } from './helpers/pg.js';
import { makeTempDir } from './helpers/tmp.js';

// A dry run asks the model registry for its alias again only when the registry's change stamp (one
// stat of its journal) moved: a session of 480 bars resolves the alias a handful of times, not per
// bar, yet a `buff models rollback` by another process is picked up at the very next bar, even in
// the middle of an unpaced replay's group commit of 256 bars. The same on a PostgreSQL registry
// (its stamp: one counter row every write bumps), with the rollback from another connection pool.
const tmp = makeTempDir('buff-dryrun-stamp-');
const server = await startTestPostgres();
let fx: Awaited<ReturnType<typeof promotedFixture>>;
let v2: number;
let registry: ModelRegistry;

beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
  registry = await openModelRegistry({ modelsRoot: fx.modelsRoot });
  v2 = (await registerSecondVersion(fx, tmp.dir, 'v2 before the session')).version;
}, 300_000);
afterAll(async () => {
  await registry?.close();
  await server?.stop();
  tmp.cleanup();
});

/** `buff models rollback` in another process, synchronously (the moment is the test's to choose). */
function rollbackNow(): void {
  const cli = [join(REPO_ROOT, 'packages/cli/src/bin.ts'), 'models', 'rollback', '--name', 'sig'];
  const loader = ['--conditions=source', '--import', join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')];
  const args = [...loader, ...cli, '--models-root', fx.modelsRoot, '--runs-root', join(tmp.dir, 'runs')];
  const done = spawnSync(process.execPath, [...args, '--actor', 'test'], { encoding: 'utf8', timeout: 120_000 });
  if (done.status !== 0) throw new Error(`buff models rollback exited ${done.status}: ${done.stderr}`);
}

describe('dry run: the alias behind the registry change stamp', () => {
  it('resolves the alias only after a registry write, and picks a rollback up at the next bar', async () => {
    const resolve = registryModelResolver(registry);
    let aliasLookups = 0;
    let polls = 0;
    const counted: ModelResolver = async (ref) => {
      if (ref.version === undefined) aliasLookups++;
      return resolve(ref);
    };
    // the runtime reads the stamp once before each bar: before bar 100 (the 101st), another process rolls back
    counted.changeStamp = () => {
      if (++polls === 101) rollbackNow();
      return resolve.changeStamp?.();
    };
    const result = await runDryRun({
      runsRoot: join(tmp.dir, 'runs'),
      dataRoot: fx.dataRoot,
      config: parse(dryConfigYaml([fx.symbol])),
      feed: 'replay',
      resolveModel: counted,
      killSwitchOn: () => false,
    });
    expect(result.status).toBe('completed');
    expect(result.counts.bars).toBe(480);
    expect(polls).toBe(480);
    // prepare, the first bar, and the bar after the rollback: not one lookup per bar
    expect(aliasLookups).toBeLessThanOrEqual(4);
    const switches = readJournalFrom(join(tmp.dir, 'runs'), result.sessionId, 0).entries.filter((e) => e.switchTo);
    expect(switches.map((e) => [e.seq, e.switchTo?.version, e.switchTo?.from?.version])).toEqual([
      [100, fx.version, v2],
    ]);
  }, 300_000);

  // Without BUFF_REQUIRE_PG=1 and a server, this shows as skipped after the helper's loud warning.
  it.skipIf(!server)(
    'on PostgreSQL too: one stamp row read per bar, the alias only after a write',
    async () => {
      const url = await (server as NonNullable<typeof server>).createDatabase();
      const choice = { modelsRoot: join(tmp.dir, 'pg-models'), driver: 'postgres' as const, pgUrl: url };
      const pgRegistry = await openModelRegistry(choice);
      const other = await openModelRegistry(choice);
      try {
        for (const dir of [fx.modelDir, join(tmp.dir, 'v2-model')]) {
          const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
          const version = await pgRegistry.registerVersion('sig', {
            sourceDir: dir,
            card: read('model-card.json'),
            evaluation: read('evaluation.json'),
          });
          await pgRegistry.promote('sig', version, { actor: 'test', reason: `v${version} on pg` });
        }
        const resolve = registryModelResolver(pgRegistry);
        let aliasLookups = 0;
        let polls = 0;
        const counted: ModelResolver = async (ref) => {
          if (ref.version === undefined) aliasLookups++;
          return resolve(ref);
        };
        counted.changeStamp = async () => {
          if (++polls === 101) await other.rollback('sig', { actor: 'test', reason: 'another connection' });
          return resolve.changeStamp?.();
        };
        const result = await runDryRun({
          runsRoot: join(tmp.dir, 'pg-runs'),
          dataRoot: fx.dataRoot,
          config: parse(dryConfigYaml([fx.symbol])),
          feed: 'replay',
          resolveModel: counted,
          killSwitchOn: () => false,
        });
        expect(result).toMatchObject({ status: 'completed', counts: { bars: 480 } });
        expect(polls).toBe(480);
        expect(aliasLookups).toBeLessThanOrEqual(4);
        const switches = readJournalFrom(join(tmp.dir, 'pg-runs'), result.sessionId, 0).entries.filter(
          (e) => e.switchTo,
        );
        expect(switches.map((e) => [e.seq, e.switchTo?.version, e.switchTo?.from?.version])).toEqual([[100, 1, 2]]);
      } finally {
        await other.close();
        await pgRegistry.close();
      }
    },
    300_000,
  );
});
