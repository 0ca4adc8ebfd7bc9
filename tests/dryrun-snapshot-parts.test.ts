import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcToColumns, readObservedRun, runDryRun, sessionDir, type ModelResolver } from '@buff/engine';
import type { ModelRegistry } from '@buff/registry';
import { parse } from 'yaml';
import { dryConfigYaml, registryResolver } from './helpers/dryrun-setup.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// A running session's periodic snapshot appends a part per table with only the rows since the last
// one (O(new rows), flat memory); pausing writes the whole tables. A copy of the session taken at a
// bar (what a SIGKILL then leaves), with its last equity part lost and a torn temp file beside the
// parts, reads as a prefix of the final tables, and resumed it ends with the bytes of a session
// that was never interrupted.
const tmp = makeTempDir('buff-dryrun-parts-');
let fx: Awaited<ReturnType<typeof promotedFixture>>;
let models: { resolveModel: ModelResolver; registry: ModelRegistry };
const TABLES = ['decisions.arrow', 'trades.arrow', 'equity.arrow'];

beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
  models = await registryResolver(fx.modelsRoot);
}, 300_000);
afterAll(async () => {
  await models?.registry.close();
  tmp.cleanup();
});

const session = (runsRoot: string, extra: Record<string, unknown> = {}) =>
  runDryRun({
    runsRoot,
    dataRoot: fx.dataRoot,
    config: parse(dryConfigYaml([fx.symbol])),
    feed: 'replay',
    sleepMs: 1, // paced: one bar a round, so the 50-bar cadence is exact
    snapshotEvery: 50,
    resolveModel: models.resolveModel,
    killSwitchOn: () => false,
    ...extra,
  });

describe('dry run: incremental snapshots', () => {
  it('appends parts of new rows, compacts at the pause, and a crash copy resumes to the same bytes', async () => {
    const runs = join(tmp.dir, 'runs');
    const crashed = join(tmp.dir, 'crashed');
    let parts: Array<{ name: string; rows: number }> = [];
    let midway: ReturnType<typeof readObservedRun> | undefined;
    const done = await session(runs, {
      onEntry: (entry: { seq: number }, record: { id: string }) => {
        if (entry.seq !== 300) return;
        const dir = join(sessionDir(runs, record.id), 'snapshot-parts');
        parts = readdirSync(dir)
          .sort()
          .map((name) => ({ name, rows: ipcToColumns(readFileSync(join(dir, name))).numRows }));
        midway = readObservedRun(sessionDir(runs, record.id));
        cpSync(runs, crashed, { recursive: true });
      },
    });
    expect(done).toMatchObject({ status: 'completed', counts: { bars: 480 } });
    // six snapshots of 50 bars before bar 300, each part holding only its own rows
    const decisionParts = parts.filter((p) => p.name.startsWith('decisions-'));
    expect(decisionParts.map((p) => p.name)).toEqual(
      [0, 50, 100, 150, 200, 250].map((n) => `decisions-${String(n).padStart(12, '0')}.arrow`),
    );
    expect(decisionParts.every((p) => p.rows === 50)).toBe(true);
    // the pause wrote the whole tables and dropped the parts
    expect(existsSync(join(done.dir, 'snapshot-parts'))).toBe(false);
    const final = readObservedRun(done.dir);
    expect(final.decisions).toHaveLength(480);
    expect(midway?.decisions).toEqual(final.decisions.slice(0, 300));
    expect(midway?.equity.ts).toEqual(final.equity.ts.slice(0, 300));

    // the crash copy: its last equity part lost, a torn temp file left, its process gone
    const crashDir = sessionDir(crashed, done.sessionId);
    const partsDir = join(crashDir, 'snapshot-parts');
    rmSync(join(partsDir, `equity-${String(250).padStart(12, '0')}.arrow`));
    writeFileSync(join(partsDir, `.equity-${String(250).padStart(12, '0')}.arrow.1.0123abcd.tmp`), 'torn');
    const record = JSON.parse(readFileSync(join(crashDir, 'session.json'), 'utf8'));
    record.status = 'running';
    record.pid = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(crashDir, 'session.json'), JSON.stringify(record));
    const prefix = readObservedRun(crashDir);
    expect(prefix.decisions).toEqual(final.decisions.slice(0, 300));
    expect(prefix.equity.ts).toEqual(final.equity.ts.slice(0, 250));

    const resumed = await session(crashed, { session: done.sessionId, config: undefined });
    expect(resumed).toMatchObject({ status: 'completed', counts: { bars: 480 } });
    for (const file of TABLES)
      expect(readFileSync(join(crashDir, file)).equals(readFileSync(join(done.dir, file))), file).toBe(true);
  }, 300_000);
});
