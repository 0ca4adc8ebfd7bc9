import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

const CONFIG = `name: twins
strategy: { name: sma-cross, params: { fast: 5, slow: 20 } }
symbols: [BTC-USD, ETH-USD]
timeframe: 5m
window: { since: "2024-01-01T00:00:00Z", until: "2024-02-01T00:00:00Z" }
data: { provider: synthetic, synthetic: { seed: 5 } }
capital: { initial: 10000 }
fees: { feeBps: 10, slippageBps: 5 }
sizing: { fraction: 1 }
seed: 5
`;

describe('two identical `buff run build` at once', () => {
  const tmp = makeTempDir('buff-twins-');
  afterAll(() => tmp.cleanup());

  it('exactly one reports created: true; both name the same run', async () => {
    const config = join(tmp.dir, 'run.yml');
    const dataRoot = join(tmp.dir, 'data');
    writeFileSync(config, CONFIG);
    // The data first (elsewhere), so that both builds spend their time simulating, side by side.
    const warm = await runBuilt([
      'run',
      'build',
      '--config',
      config,
      '--runs-root',
      join(tmp.dir, 'warm'),
      '--data-root',
      dataRoot,
    ]);
    expect(warm.code, warm.stderr).toBe(0);
    const runsRoot = join(tmp.dir, 'runs');
    const args = ['run', 'build', '--json', '--config', config, '--runs-root', runsRoot, '--data-root', dataRoot];
    const [a, b] = await Promise.all([runBuilt(args), runBuilt(args)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const results = [a, b].map((r) => lastJson<{ runId: string; created: boolean }>(r.stdout));
    expect(results[0]?.runId).toBe(results[1]?.runId);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const list = await runBuilt(['runs', 'list', '--json', '--runs-root', runsRoot]);
    expect(lastJson<{ total: number }>(list.stdout).total).toBe(1);
  }, 240_000);
});
