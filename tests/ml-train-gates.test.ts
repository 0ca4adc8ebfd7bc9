import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJson, runBuff } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

// Honest gates, both ways, through the CLI: synth -> train -> evaluate -> promote.
// CI size: LSTM 10 days of 1m bars (14,400 bars; test split ~4,200 samples),
// for the transformer 6 days x 2 symbols, ~2 x 2,500 test samples, 8 epochs), features ret_1 + ret_5, window 16, small models, WASM backend.
// At n >= 4,000 a random-walk accuracy outside 0.5 +- 0.03 is a ~3.8 sigma event.
const tmp = makeTempDir('buff-ml-gates-');
const dataRoot = join(tmp.dir, 'data');
const modelsRoot = join(tmp.dir, 'models');
afterAll(() => tmp.cleanup());

const COMMON = [
  '--window',
  '16',
  '--features',
  'ret_1,ret_5',
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

async function synth(symbol: string, seed: number, signal: number, days = 10): Promise<void> {
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
    '--data-root',
    dataRoot,
    '--json',
  ]);
  expect(r.code, r.stderr).toBe(0);
}

interface TrainJson {
  modelDir: string;
  evaluation: { passed: boolean; metrics: { accuracy: number; ece: number; count: number } };
}

async function trainEvaluatePromote(
  trainArgs: string[],
  extra: string[] = [],
): Promise<{ train: TrainJson; evaluateCode: number; promoteCode: number; promoteErr: string }> {
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
    '--json',
  ]);
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
  return { train, evaluateCode: e.code, promoteCode: p.code, promoteErr: `${p.stderr}${p.stdout}` };
}

describe('promotion gates on synthetic data (CI size, WASM backend)', () => {
  it('planted signal: the LSTM reaches accuracy >= 0.68 and ECE <= 0.05 and is promoted', async () => {
    await synth('SIG-A', 1, 1);
    const r = await trainEvaluatePromote(['--model', 'lstm', '--symbol', 'SIG-A', '--units', '16'], ['--epochs', '12']);
    const m = r.train.evaluation.metrics;
    expect(m.count).toBeGreaterThanOrEqual(3000);
    expect(m.accuracy).toBeGreaterThanOrEqual(0.68);
    expect(m.ece).toBeLessThanOrEqual(0.05);
    expect(r.evaluateCode).toBe(0);
    expect(r.promoteCode, r.promoteErr).toBe(0);
  }, 240_000);

  it('planted signal: the transformer over two symbols reaches the gates and is promoted', async () => {
    await synth('TF-A', 4, 1, 6);
    await synth('TF-B', 5, 1, 6);
    const r = await trainEvaluatePromote(['--model', 'transformer', '--symbols', 'TF-A,TF-B'], ['--epochs', '8']);
    const m = r.train.evaluation.metrics;
    expect(m.count).toBeGreaterThanOrEqual(3000);
    expect(m.accuracy).toBeGreaterThanOrEqual(0.68);
    expect(m.ece).toBeLessThanOrEqual(0.05);
    expect(r.evaluateCode).toBe(0);
    expect(r.promoteCode, r.promoteErr).toBe(0);
  }, 300_000);

  it('pure random walk: accuracy within 0.5 +- 0.03, evaluate exits 3 and promote refuses', async () => {
    await synth('RW-A', 3, 0);
    const r = await trainEvaluatePromote(['--model', 'lstm', '--symbol', 'RW-A', '--units', '16'], ['--epochs', '12']);
    const m = r.train.evaluation.metrics;
    expect(m.count).toBeGreaterThanOrEqual(3000);
    expect(Math.abs(m.accuracy - 0.5)).toBeLessThanOrEqual(0.03);
    expect(r.train.evaluation.passed).toBe(false);
    expect(r.evaluateCode).toBe(3);
    expect(r.promoteCode).toBe(3);
    expect(r.promoteErr).toMatch(/PROMOTION_REFUSED/);
  }, 240_000);
});
