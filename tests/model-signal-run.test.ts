import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastJson, runBuff } from './helpers/cli.js';
import { promotedFixture } from './helpers/model-fixture.js';
import { makeTempDir } from './helpers/tmp.js';

// The model-signal strategy in `buff run build` (the backtest baseline of a dry run): a promoted
// CI-sized LSTM read from the ModelRegistry by alias, pinned to its version and id in the run config.
const tmp = makeTempDir('buff-model-signal-');
afterAll(() => tmp.cleanup());
let fx: Awaited<ReturnType<typeof promotedFixture>>;
beforeAll(async () => {
  fx = await promotedFixture(tmp.dir);
}, 300_000);

function config(model: Record<string, unknown>, file = 'run.yml'): string {
  const path = join(tmp.dir, file);
  const yaml = [
    'name: model-signal test',
    `strategy: { name: model-signal, params: { model: ${JSON.stringify(model)}, longAbove: 0.55, shortBelow: 0.45 } }`,
    `symbols: [${fx.symbol}]`,
    'timeframe: 1m',
    'window: { since: "2024-01-04T00:00:00Z", until: "2024-01-04T12:00:00Z" }',
    'allowShort: true',
    'guardrails: { preset: ftmo-2step }',
  ].join('\n');
  writeFileSync(path, `${yaml}\n`);
  return path;
}

const roots = () => ['--runs-root', join(tmp.dir, 'runs'), '--data-root', fx.dataRoot, '--models-root', fx.modelsRoot];

describe('model-signal in buff run build', () => {
  it('reads the champion, pins version and model id in the config, and records probability, confidence and tier', async () => {
    const r = await runBuff(['run', 'build', '--config', config({ name: 'sig' }), ...roots(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { runDir } = lastJson<{ runDir: string }>(r.stdout);
    const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8'));
    expect(manifest.config.strategy.params.model).toEqual({
      name: 'sig',
      alias: 'champion',
      version: fx.version,
      id: fx.modelId,
    });
    const decisions = tableFromIPC(readFileSync(join(runDir, 'decisions.arrow')));
    expect(decisions.numRows).toBe(720);
    const p = Array.from(decisions.getChild('input.probability')!.toArray() as Float64Array);
    const tier = Array.from(decisions.getChild('input.tier')!.toArray() as Float64Array);
    const conf = Array.from(decisions.getChild('input.confidence')!.toArray() as Float64Array);
    const version = Array.from(decisions.getChild('input.modelVersion')!.toArray() as Float64Array);
    const reasons = Array.from({ length: decisions.numRows }, (_, i) => String(decisions.getChild('reason')!.get(i)));
    const guardrail = Array.from({ length: decisions.numRows }, (_, i) =>
      String(decisions.getChild('guardrail')!.get(i)),
    );
    const scored = p.map((_v, i) => i).filter((i) => Number.isFinite(p[i]));
    expect(scored.length).toBeGreaterThan(600); // warmup: 60 feature bars + a window of 16
    for (const i of scored) {
      expect(p[i]).toBeGreaterThan(0);
      expect(p[i]).toBeLessThan(1);
      expect(conf[i]).toBeCloseTo(Math.abs(2 * (p[i] as number) - 1), 12);
      expect(version[i]).toBe(fx.version);
      // A guardrail that blocks an entry says so in the reason; every other decision names the model.
      if (guardrail[i] === '') expect(reasons[i]).toContain(`model sig v${fx.version} (${fx.modelId})`);
      else expect(reasons[i]).toMatch(/^guardrail /);
      const want = (conf[i] as number) >= 0.3 ? 2 : (conf[i] as number) >= 0.1 ? 1 : 0;
      expect(tier[i]).toBe(want);
    }
    // A planted-signal model is not always sure: the tiers and directions vary.
    expect(new Set(scored.map((i) => tier[i])).size).toBeGreaterThan(1);
    expect(new Set(reasons.filter((s) => s.includes(': long'))).size).toBeGreaterThan(0);
    expect(new Set(reasons.filter((s) => s.includes(': short'))).size).toBeGreaterThan(0);
    const trades = tableFromIPC(readFileSync(join(runDir, 'trades.arrow')));
    expect(trades.numRows).toBeGreaterThan(0);
  }, 180_000);

  it('an exact version gives the same decisions; a wrong model id or an unknown model is refused (exit 3)', async () => {
    const byVersion = await runBuff([
      'run',
      'build',
      '--config',
      config({ name: 'sig', version: fx.version }, 'v.yml'),
      ...roots(),
      '--json',
    ]);
    expect(byVersion.code, byVersion.stderr).toBe(0);
    const wrongId = await runBuff([
      'run',
      'build',
      '--config',
      config({ name: 'sig', id: '0123456789abcdef' }, 'w.yml'),
      ...roots(),
    ]);
    expect(wrongId.code).toBe(3);
    expect(wrongId.stderr).toMatch(/INVALID_CONFIG.*model\.id/s);
    const unknown = await runBuff(['run', 'build', '--config', config({ name: 'nope' }, 'u.yml'), ...roots()]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/NOT_FOUND.*nope/s);
  }, 180_000);
});
