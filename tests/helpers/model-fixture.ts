import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { lastJson, REPO_ROOT, runBuff } from './cli.js';

/** The CI-sized model shared by the dry-run tests: what it was trained on and where it is. */
export interface ModelFixture {
  /** Trained, evaluated model folder (read-only: promote copies it). */
  modelDir: string;
  modelId: string;
  symbol: string;
  /** Synthetic data seed/signal/days, to re-create the same dataset in a test's own data root. */
  synth: { seed: number; signal: number; days: number };
}

const SYMBOL = 'SIG-DRY';
const SYNTH = { seed: 1, signal: 1, days: 4 };
// Keyed on the schemas of what is cached (a model card or evaluation record of another shape is retrained).
const SCHEMA_FILES = ['model-card.ts', 'evaluation-file.ts', 'schemas/evaluation-record.ts'];
const CACHE_KEY = createHash('sha256')
  .update(SCHEMA_FILES.map((f) => readFileSync(join(REPO_ROOT, 'packages/core/src', f), 'utf8')).join('\n'))
  .digest('hex')
  .slice(0, 12);
const CACHE = join(REPO_ROOT, 'test-artifacts', `model-fixture-${CACHE_KEY}`);

async function buff(args: string[]): Promise<Record<string, unknown>> {
  const r = await runBuff([...args, '--json']);
  if (r.code !== 0) throw new Error(`buff ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return lastJson(r.stdout);
}

/**
 * Trains (once per checkout: cached under test-artifacts/, written to a temp folder then renamed)
 * a CI-sized LSTM on 4 days of planted-signal 1m bars: features ret_1 + ret_5, window 16, 8 units,
 * 4 epochs, evaluated with loose gates (accuracy >= 0.6, ECE <= 0.1) so that it can be promoted.
 * Training is deterministic, so every test file that calls this gets the same model.
 * @example const { modelDir } = await trainedModelFixture();
 */
export async function trainedModelFixture(): Promise<ModelFixture> {
  const found = existsSync(CACHE) ? readdirSync(join(CACHE, 'models', `lstm-${SYMBOL}-1m`)) : [];
  if (found.length === 1) return fixtureAt(CACHE, found[0] as string);
  const work = `${CACHE}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const data = join(work, 'data');
  const models = join(work, 'models');
  await buff(['data', 'synth', '--symbol', SYMBOL, ...synthArgs(), '--data-root', data]);
  const trained = await buff(
    ['train', '--model', 'lstm', '--symbol', SYMBOL, '--units', '8', '--epochs', '4', '--window', '16'].concat(
      ['--features', 'ret_1,ret_5', '--train-frac', '0.5', '--val-frac', '0.2', '--learning-rate', '0.02'],
      ['--batch-size', '128', '--patience', '3', '--data-root', data, '--models-root', models],
    ),
  );
  const modelDir = trained.modelDir as string;
  await buff(
    ['evaluate', '--model', modelDir, '--data-root', data, '--min-accuracy', '0.6'].concat([
      '--max-calibration-error',
      '0.1',
    ]),
  );
  try {
    renameSync(work, CACHE);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another test file published it first: same bytes
  }
  return trainedModelFixture();
}

function fixtureAt(root: string, modelId: string): ModelFixture {
  return { modelDir: join(root, 'models', `lstm-${SYMBOL}-1m`, modelId), modelId, symbol: SYMBOL, synth: SYNTH };
}

function synthArgs(): string[] {
  return ['--days', String(SYNTH.days), '--seed', String(SYNTH.seed), '--signal', String(SYNTH.signal)];
}

/**
 * A test's own data and models roots holding the fixture's dataset and the model promoted to
 * champion as model `name` (a copy: the test may promote, roll back or delete freely).
 * @example const roots = await promotedFixture(tmp.dir, 'sig');
 */
export async function promotedFixture(
  dir: string,
  name = 'sig',
): Promise<ModelFixture & { dataRoot: string; modelsRoot: string; name: string; version: number }> {
  const fixture = await trainedModelFixture();
  const dataRoot = join(dir, 'data');
  const modelsRoot = join(dir, 'models');
  cpSync(join(CACHE, 'data'), dataRoot, { recursive: true });
  const promoted = await buff(
    ['promote', '--model', fixture.modelDir, '--name', name, '--models-root', modelsRoot].concat(['--actor', 'test']),
  );
  return { ...fixture, dataRoot, modelsRoot, name, version: promoted.version as number };
}
