import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson, runBuff } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

// Honest gates, both ways, through the CLI: synth -> train -> evaluate -> promote.
// CI size: LSTM 10 days of 1m bars (14,400 bars; test split ~4,200 samples),
// for the transformer 6 days x 2 symbols, ~2 x 2,500 test samples, up to 12 epochs), features ret_1 + ret_5 (+ vol_20 for the
// transformer), window 16, small models, WASM backend. The planted pattern (generator v2) is the sign two bars back,
// flipped in the stormy regime: majority and persistence score ~0.5 on it, so passing means learning.
// At n >= 4,000 a random-walk accuracy outside 0.5 +- 0.03 is a ~3.8 sigma event.
const tmp = makeTempDir('buff-ml-gates-');
const dataRoot = join(tmp.dir, 'data');
const modelsRoot = join(tmp.dir, 'models');
const reportsRoot = join(tmp.dir, 'reports');
afterAll(() => tmp.cleanup());

/** The LSTM's features; the transformer also gets vol_20 (it learns the regime from it within 8 epochs). */
const LSTM_FEATURES = ['--features', 'ret_1,ret_5'];

const COMMON = [
  '--window',
  '16',
  '--train-frac',
  '0.5',
  '--val-frac',
  '0.2',
  '--learning-rate',
  '0.02',
  '--batch-size',
  '128',
  '--patience',
  '3',
  '--data-root',
  dataRoot,
  '--models-root',
  modelsRoot,
  '--json',
];

async function synth(symbol: string, seed: number, signal: number, days = 10, pattern = 'regime'): Promise<void> {
  const r = await runBuff([
    'data',
    'synth',
    '--symbol',
    symbol,
    '--days',
    String(days),
    '--seed',
    String(seed),
    '--signal',
    String(signal),
    '--pattern',
    pattern,
    '--data-root',
    dataRoot,
    '--json',
  ]);
  expect(r.code, r.stderr).toBe(0);
}

interface Figures {
  accuracy: number;
  ece: number;
  count: number;
}

interface EvaluationJson {
  passed: boolean;
  failures: string[];
  metrics: Figures;
  baselines: { majority: Figures; persistence: Figures; champion?: Figures & { version: number } };
  significance: Array<{ against: string; pValue: number; beaten: boolean }>;
  accuracyInterval: { lower: number; upper: number };
  calibration: { eceBefore: { value: number }; eceAfter: { value: number }; scalingWorse: boolean };
}

interface TrainJson {
  modelDir: string;
  evaluation: EvaluationJson;
}

async function trainEvaluatePromote(
  trainArgs: string[],
  extra: string[] = [],
): Promise<{
  train: TrainJson;
  evaluateCode: number;
  evaluation: EvaluationJson;
  evaluateErr: string;
  promoteCode: number;
  promoteErr: string;
}> {
  const t = await runBuff(['train', ...trainArgs, ...COMMON, ...extra]);
  expect(t.code, t.stderr).toBe(0);
  const train = lastJson<TrainJson>(t.stdout);
  expect(existsSync(join(train.modelDir, 'model.json'))).toBe(true);
  expect(existsSync(join(train.modelDir, 'weights.bin'))).toBe(true);
  expect(existsSync(join(train.modelDir, 'reports', 'training', 'training-curves.svg'))).toBe(true);
  const e = await runBuff([
    'evaluate',
    '--model',
    train.modelDir,
    '--data-root',
    dataRoot,
    '--min-accuracy',
    '0.68',
    '--max-calibration-error',
    '0.05',
    '--models-root',
    modelsRoot,
    '--reports-root',
    reportsRoot,
    '--json',
  ]);
  const evaluation = JSON.parse(readFileSync(join(train.modelDir, 'evaluation.json'), 'utf8')) as EvaluationJson;
  const p = await runBuff([
    'promote',
    '--model',
    train.modelDir,
    '--models-root',
    modelsRoot,
    '--actor',
    'test',
    '--json',
  ]);
  return {
    train,
    evaluateCode: e.code,
    evaluation,
    evaluateErr: `${e.stderr}${e.stdout}`,
    promoteCode: p.code,
    promoteErr: `${p.stderr}${p.stdout}`,
  };
}

/** The baselines on the planted regime pattern score like a coin: it is learnable only by learning. */
function expectCoinBaselines(e: EvaluationJson): void {
  expect(Math.abs(e.baselines.majority.accuracy - 0.5)).toBeLessThanOrEqual(0.04);
  expect(Math.abs(e.baselines.persistence.accuracy - 0.5)).toBeLessThanOrEqual(0.04);
}

describe('promotion gates on synthetic data (CI size, WASM backend)', () => {
  let championDir = '';

  it('planted signal: baselines ~0.5, the LSTM passes every gate (accuracy, Wilson bound, ECE, McNemar) and is promoted', async () => {
    await synth('SIG-A', 1, 1);
    const r = await trainEvaluatePromote(
      ['--model', 'lstm', '--symbol', 'SIG-A', '--units', '16', ...LSTM_FEATURES],
      ['--epochs', '12'],
    );
    const e = r.evaluation;
    expect(e.metrics.count).toBeGreaterThanOrEqual(3000);
    expectCoinBaselines(e);
    expect(e.metrics.accuracy).toBeGreaterThanOrEqual(0.7);
    expect(e.accuracyInterval.lower).toBeGreaterThanOrEqual(0.68);
    expect(e.metrics.ece).toBeLessThanOrEqual(0.05);
    expect(e.significance.map((s) => [s.against, s.beaten])).toEqual([
      ['majority', true],
      ['persistence', true],
    ]);
    expect(e.failures).toEqual([]);
    expect(r.evaluateCode, r.evaluateErr).toBe(0);
    expect(r.promoteCode, r.promoteErr).toBe(0);
    const summary = readFileSync(join(reportsRoot, 'models', 'evaluation.md'), 'utf8');
    expect(summary).toContain(`## lstm-SIG-A-1m \`${r.train.modelDir.split('/').at(-1)}\` (lstm)`);
    expect(summary).toMatch(/\| persistence \| 0\.\d{4} \|/);
    championDir = r.train.modelDir;
  }, 300_000);

  it('a challenger that does not beat the champion is refused, naming the figures (evaluate and promote, the built buff)', async () => {
    expect(championDir).not.toBe('');
    const t = await runBuff([
      'train',
      '--model',
      'lstm',
      '--symbol',
      'SIG-A',
      '--units',
      '8',
      '--seed',
      '43',
      ...LSTM_FEATURES,
      ...COMMON,
      '--epochs',
      '3',
    ]);
    expect(t.code, t.stderr).toBe(0);
    const challenger = lastJson<TrainJson>(t.stdout).modelDir;
    const evaluateArgs = ['evaluate', '--model', challenger, '--data-root', dataRoot, '--models-root', modelsRoot];
    const e = await runBuff([...evaluateArgs, '--reports-root', reportsRoot, '--json']);
    expect(e.code, e.stderr).toBe(3);
    const evaluation = JSON.parse(readFileSync(join(challenger, 'evaluation.json'), 'utf8')) as EvaluationJson;
    expect(evaluation.baselines.champion?.version).toBe(1);
    expect(evaluation.metrics.accuracy).toBeGreaterThanOrEqual(0.68); // good on its own ...
    expect(evaluation.significance.find((s) => s.against === 'champion')?.beaten).toBe(false); // ... not better
    expect(evaluation.failures).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^does not beat champion lstm-SIG-A-1m v1 \(model [0-9a-f]{16}\): accuracy 0\.\d{4} vs 0\.\d{4}, McNemar p \d\.\d{4}/,
        ),
      ]),
    );
    const p = await runBuilt(['promote', '--model', challenger, '--models-root', modelsRoot, '--actor', 'test']);
    expect(p.code).toBe(3);
    expect(p.stderr).toMatch(
      /PROMOTION_REFUSED.*does not beat champion lstm-SIG-A-1m v1 .*accuracy 0\.\d{4} vs 0\.\d{4}/,
    );
    const listed = await runBuilt(['models', 'list', '--models-root', modelsRoot]);
    expect(listed.stdout).toMatch(/lstm-SIG-A-1m\s+1 version\(s\), latest v1\s+champion=v1/);
  }, 300_000);

  it('persistence-strong data: an LSTM with accuracy well above 0.68 is refused on the persistence baseline alone', async () => {
    await synth('PER-A', 2, 1, 10, 'persistence');
    const r = await trainEvaluatePromote(
      ['--model', 'lstm', '--symbol', 'PER-A', '--units', '16', ...LSTM_FEATURES],
      ['--epochs', '12'],
    );
    const e = r.evaluation;
    expect(e.metrics.accuracy).toBeGreaterThanOrEqual(0.75);
    expect(e.accuracyInterval.lower).toBeGreaterThanOrEqual(0.68);
    expect(e.metrics.ece).toBeLessThanOrEqual(0.05);
    expect(Math.abs(e.baselines.persistence.accuracy - 0.8)).toBeLessThanOrEqual(0.03);
    expect(e.failures).toEqual([expect.stringMatching(/^does not beat persistence: accuracy 0\.\d{4} vs 0\.\d{4}/)]);
    expect(r.evaluateCode).toBe(3);
    expect(r.promoteCode).toBe(3);
    expect(r.promoteErr).toMatch(/PROMOTION_REFUSED.*does not beat persistence/);
  }, 300_000);

  it('planted signal: the transformer over two symbols passes every gate and is promoted', async () => {
    await synth('TF-A', 4, 1, 6);
    await synth('TF-B', 5, 1, 6);
    const r = await trainEvaluatePromote(
      ['--model', 'transformer', '--symbols', 'TF-A,TF-B'],
      ['--epochs', '12', '--features', 'ret_1,ret_5,vol_20'],
    );
    const e = r.evaluation;
    expect(e.metrics.count).toBeGreaterThanOrEqual(3000);
    expectCoinBaselines(e);
    expect(e.accuracyInterval.lower).toBeGreaterThanOrEqual(0.68);
    expect(e.metrics.ece).toBeLessThanOrEqual(0.05);
    expect(e.failures).toEqual([]);
    expect(r.evaluateCode, r.evaluateErr).toBe(0);
    expect(r.promoteCode, r.promoteErr).toBe(0);
  }, 900_000);

  it('pure random walk: every gate that measures skill refuses, evaluate exits 3 and promote refuses', async () => {
    await synth('RW-A', 3, 0);
    const r = await trainEvaluatePromote(
      ['--model', 'lstm', '--symbol', 'RW-A', '--units', '16', ...LSTM_FEATURES],
      ['--epochs', '12'],
    );
    const e = r.evaluation;
    expect(e.metrics.count).toBeGreaterThanOrEqual(3000);
    expect(Math.abs(e.metrics.accuracy - 0.5)).toBeLessThanOrEqual(0.03);
    expect(e.accuracyInterval.lower).toBeLessThan(0.68);
    expect(e.significance.every((s) => !s.beaten)).toBe(true);
    expect(e.failures[0]).toMatch(/^accuracy 0\.\d{4} < minAccuracy 0.68$/);
    expect(e.failures.filter((f) => f.startsWith('does not beat'))).toHaveLength(2);
    expect(e.passed).toBe(false);
    expect(r.evaluateCode).toBe(3);
    expect(r.promoteCode).toBe(3);
    expect(r.promoteErr).toMatch(/PROMOTION_REFUSED/);
  }, 300_000);
});
