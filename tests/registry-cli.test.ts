import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRunRegistry, type RunRecord } from '@buff/registry';
import { fakeRunId, writeFakeRun } from '@buff/registry/testing';
import { lastJson, runBuff } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

let tmp: ReturnType<typeof makeTempDir>;
let root: string;

async function seedRuns(): Promise<string[]> {
  const registry = await openRunRegistry({ runsRoot: root, create: true });
  const ids: string[] = [];
  for (const [n, strategy, symbols] of [
    [1, 'ma-cross', ['BTC-USD']],
    [2, 'rsi', ['ETH-USD']],
    [3, 'rsi', ['BTC-USD', 'ETH-USD']],
  ] as const) {
    const id = fakeRunId(n);
    const staging = await registry.createStaging(id);
    writeFakeRun(staging, id, { strategy, symbols: [...symbols] });
    await registry.publish(id, staging);
    ids.push(id);
  }
  await registry.close();
  return ids;
}

function snapshotFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    try {
      out[name] = readFileSync(join(dir, name), 'utf8');
    } catch {
      // folders
    }
  }
  return out;
}

beforeEach(() => {
  tmp = makeTempDir('buff-regcli-');
  root = join(tmp.dir, 'runs');
});
afterEach(() => tmp.cleanup());

describe('buff runs / buff index', () => {
  it('lists with filters and --json, shows one run, and prints the resolved RUNS_ROOT', async () => {
    const ids = await seedRuns();
    const all = await runBuff(['runs', 'list', '--runs-root', root]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toContain(`RUNS_ROOT=${root} (flag)`);
    expect(all.stdout).toContain('3 of 3 run(s)');
    expect(all.stdout).toMatch(
      /^kind +id +created +strategy +symbols +tf +status +return +sharpe +trades +tags +detail$/m,
    );
    const rsi = await runBuff([
      'runs',
      'list',
      '--runs-root',
      root,
      '--strategy',
      'rsi',
      '--symbol',
      'BTC-USD',
      '--json',
    ]);
    const page = lastJson<{ total: number; items: RunRecord[]; roots: Record<string, { path: string }> }>(rsi.stdout);
    expect(page.items.map((r) => r.id)).toEqual([ids[2]]);
    expect(page.roots.RUNS_ROOT?.path).toBe(root);
    const env = await runBuff(['runs', 'list', '--json', '--limit', '1', '--sort', 'id', '--order', 'asc'], {
      env: { RUNS_ROOT: root },
    });
    expect(lastJson<{ total: number; items: RunRecord[] }>(env.stdout)).toMatchObject({
      total: 3,
      items: [{ id: [...ids].sort()[0] }],
    });
    const show = await runBuff(['runs', 'show', ids[0]!, '--runs-root', root]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('artifact: decisions.bin');
  });

  it('refuses a missing root, and ids that are paths, with exit 3', async () => {
    const missing = await runBuff(['runs', 'list', '--runs-root', join(tmp.dir, 'nope')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/ROOT_MISSING.*does not exist/);
    await seedRuns();
    const bad = await runBuff(['runs', 'show', '../../etc', '--runs-root', root]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/INVALID_ID/);
  });

  it('buff index rebuilds, reports corrupt folders (exit 3) and keeps every good run', async () => {
    const ids = await seedRuns();
    const broken = fakeRunId(99);
    mkdirSync(join(root, broken));
    writeFileSync(join(root, broken, 'manifest.json'), '{"schemaVersion": 1}');
    writeFileSync(join(root, '.index', 'journal.jsonl'), 'garbage\n');
    const result = await runBuff(['index', '--runs-root', root]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('3 run(s) indexed, 0 legacy');
    expect(result.stdout).toContain(`corrupt: ${join(root, broken)}: manifest.json fails its schema`);
    expect(result.stderr).toMatch(/CORRUPT_ARTIFACT.*1 corrupt run folder/);
    const listed = lastJson<{ items: RunRecord[] }>(
      (await runBuff(['runs', 'list', '--runs-root', root, '--json'])).stdout,
    );
    expect(listed.items.map((r) => r.id).sort()).toEqual([...ids].sort());
    const clean = await runBuff(['index', '--runs-root', root, '--json']);
    expect(clean.code).toBe(3);
    expect(lastJson<{ details: { report: { runs: number } } }>(clean.stdout).details.report.runs).toBe(3);
  });

  it('buff runs migrate copies legacy runs (never touching the source), idempotently', async () => {
    await seedRuns();
    const artifacts = join(tmp.dir, 'artifacts');
    mkdirSync(join(artifacts, 'phase1-demo'), { recursive: true });
    writeFileSync(
      join(artifacts, 'phase1-demo', 'decisions.jsonl'),
      '{"ts":"2024-01-01T00:00:00Z","symbol":"BTC-USD","action":"buy"}\n{"ts":"2024-01-02T00:00:00Z","symbol":"BTC-USD","action":"sell"}\n',
    );
    writeFileSync(
      join(artifacts, 'phase1-demo', 'summary.json'),
      '{"strategy":"ma-cross","timeframe":"1h","totalReturn":0.05}',
    );
    mkdirSync(join(artifacts, 'not-a-run'));
    const before = snapshotFiles(artifacts);
    const dry = await runBuff(['runs', 'migrate', '--from', artifacts, '--runs-root', root, '--dry-run']);
    expect(dry.stdout).toMatch(/would migrate .*phase1-demo -> legacy-[0-9a-f]{16}/);
    const first = await runBuff(['runs', 'migrate', '--from', artifacts, '--runs-root', root, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const report = lastJson<{ migrated: Array<{ id: string }>; problems: unknown[] }>(first.stdout);
    expect(report.migrated).toHaveLength(1);
    expect(report.problems).toHaveLength(1);
    const legacyId = report.migrated[0]!.id;
    const second = lastJson<{ migrated: unknown[]; skipped: unknown[] }>(
      (await runBuff(['runs', 'migrate', '--from', artifacts, '--runs-root', root, '--json'])).stdout,
    );
    expect(second).toMatchObject({ migrated: [], skipped: [{ id: legacyId }] });
    expect(snapshotFiles(artifacts)).toEqual(before);
    const legacy = lastJson<{ items: RunRecord[] }>(
      (await runBuff(['runs', 'list', '--runs-root', root, '--legacy', '--json'])).stdout,
    );
    expect(legacy.items).toEqual([
      expect.objectContaining({
        id: legacyId,
        legacy: true,
        status: 'legacy',
        strategy: 'ma-cross',
        symbols: ['BTC-USD'],
        name: 'phase1-demo',
        window: { since: '2024-01-01T00:00:00.000Z', until: '2024-01-02T00:00:00.000Z' },
      }),
    ]);
    expect(readFileSync(join(root, legacyId, 'decisions.jsonl'), 'utf8')).toBe(
      before[join('phase1-demo', 'decisions.jsonl')],
    );
    const index = await runBuff(['index', '--runs-root', root]);
    expect(index.code, index.stderr).toBe(0);
    expect(index.stdout).toContain(`legacy: ${legacyId}`);
  });
});
