import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readBars, writeDataset } from '@buff/ingest';
import { lastJson, runBuff, REPO_ROOT } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

const tmp = makeTempDir('buff-run-determinism-');
afterAll(() => tmp.cleanup());
const demo = join(REPO_ROOT, 'configs/run_demo.yml');

async function build(config: string, root: string): Promise<{ runId: string; runDir: string; created: boolean }> {
  const result = await runBuff([
    'run',
    'build',
    '--config',
    config,
    '--runs-root',
    join(root, 'runs'),
    '--data-root',
    join(root, 'data'),
    '--json',
  ]);
  expect(result.code, result.stderr).toBe(0);
  return lastJson(result.stdout);
}

const filesOf = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f))]),
  );

describe('run builds are deterministic', () => {
  const a = join(tmp.dir, 'a');
  const b = join(tmp.dir, 'b');
  let first: Awaited<ReturnType<typeof build>>;

  it('two builds of the demo config in separate processes and roots give the same id and identical bytes', async () => {
    const [ra, rb] = await Promise.all([build(demo, a), build(demo, b)]);
    first = ra;
    expect(ra.created && rb.created).toBe(true);
    expect(ra.runId).toMatch(/^run-[0-9a-f]{16}$/);
    expect(rb.runId).toBe(ra.runId);
    const fa = filesOf(ra.runDir);
    const fb = filesOf(rb.runDir);
    expect(Object.keys(fa)).toEqual([
      'days.arrow',
      'decisions.arrow',
      'equity.arrow',
      'manifest.json',
      'metrics.json',
      'trades.arrow',
    ]);
    expect(Object.keys(fb)).toEqual(Object.keys(fa));
    for (const file of Object.keys(fa)) expect(Buffer.compare(fa[file] as Buffer, fb[file] as Buffer), file).toBe(0);
    expect(readFileSync(join(ra.runDir, 'manifest.json'), 'utf8')).not.toMatch(/createdAt|tmp/);
  });

  it('building again returns the same id, says created false and rewrites nothing', async () => {
    const mtimes = readdirSync(first.runDir).map((f) => statSync(join(first.runDir, f)).mtimeMs);
    const again = await build(demo, a);
    expect(again).toMatchObject({ runId: first.runId, created: false });
    expect(readdirSync(first.runDir).map((f) => statSync(join(first.runDir, f)).mtimeMs)).toEqual(mtimes);
  });

  it('one config key changes the id', async () => {
    const config = parseYaml(readFileSync(demo, 'utf8'));
    config.fees.slippageBps = 6;
    const path = join(tmp.dir, 'slip.json');
    writeFileSync(path, JSON.stringify(config));
    const changed = await build(path, a);
    expect(changed.runId).not.toBe(first.runId);
  });

  it('one input value changes the id', async () => {
    const config = parseYaml(readFileSync(demo, 'utf8'));
    config.data = { provider: 'store' }; // read what the demo build stored in root a
    const path = join(tmp.dir, 'store.json');
    writeFileSync(path, JSON.stringify(config));
    const before = await build(path, a);
    const { bars } = await readBars(join(a, 'data'), 'ETH-USD', '1m');
    bars.close[5000] = (bars.close[5000] as number) + 0.01;
    bars.high[5000] = Math.max(bars.high[5000] as number, bars.close[5000] as number);
    await writeDataset(join(a, 'data'), { symbol: 'ETH-USD', timeframe: '1m', bars, source: { kind: 'csv' } });
    const after = await build(path, a);
    expect(before.runId).not.toBe(first.runId);
    expect(after.runId).not.toBe(before.runId);
    expect(after.created).toBe(true);
  });
});
