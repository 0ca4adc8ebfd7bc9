import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDataset } from '@buff/ingest';
import { lastJson } from './helpers/cli.js';
import { assertCliBuilt, BUILT_CLI_INDEX, runBuilt } from './helpers/built-cli.js';
import { makeTempDir } from './helpers/tmp.js';

// `buff train` from the built CLI (bundle + V8 code cache, BUFF_CODE_CACHE=require) trains on the WASM
// backend. It used to fail with "A dynamic import callback was not specified" (an import() run under
// a code cache made in another process), and without --backend fell back to the CPU backend unseen.
type Answer = { backend: string; backendFallback: unknown; modelDir: string };

describe('the built buff on the WASM backend', () => {
  const temp = makeTempDir('buff-wasm-');
  const dataRoot = join(temp.dir, 'data');
  const modelsRoot = join(temp.dir, 'models');
  const common = ['--data-root', dataRoot, '--runs-root', join(temp.dir, 'runs'), '--models-root', modelsRoot];
  const tiny = ['--symbol', 'BTC-USD', '--epochs', '1', '--window', '8', '--units', '4', '--json'];

  beforeAll(async () => {
    assertCliBuilt();
    await fetchDataset(dataRoot, {
      symbol: 'BTC-USD',
      provider: 'synthetic',
      since: '2024-01-01T00:00:00Z',
      providerOptions: { seed: 3, signal: 0.5, days: 2 },
    });
  });
  afterAll(() => temp.cleanup());

  it('has no import() left in the bundle (each would fail under the code cache)', () => {
    const bundle = readFileSync(BUILT_CLI_INDEX, 'utf8');
    // import(${...}) inside the tsx worker bootstrap is text for a worker, not a call in the bundle
    expect(bundle.match(/(?<![\w$.])import\(\s*(?!\$\{)[^)]{0,60}\)/g) ?? []).toEqual([]);
  });

  it('trains and evaluates on WASM by default and with --backend wasm, saying so (no fallback)', async () => {
    const train = await runBuilt(['train', ...tiny, ...common]);
    expect(train.code, train.stderr).toBe(0);
    const trained = lastJson<Answer>(train.stdout);
    expect(trained).toMatchObject({ backend: 'wasm', backendFallback: null });
    expect(train.stderr).not.toContain('fell back');
    const card = JSON.parse(readFileSync(join(trained.modelDir, 'model-card.json'), 'utf8'));
    expect(card.backend).toEqual({ name: 'wasm' });

    const forced = await runBuilt(['train', ...tiny, '--backend', 'wasm', ...common]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(lastJson<Answer>(forced.stdout)).toMatchObject({ backend: 'wasm', modelDir: trained.modelDir });

    // gates opened wide: this test is about the backend, not the model
    const evaluate = [
      'evaluate',
      '--model',
      trained.modelDir,
      '--min-accuracy',
      '0',
      '--max-calibration-error',
      '1',
      '--no-beat-baselines',
      '--reports-root',
      join(temp.dir, 'reports'),
      ...common,
    ];
    const human = await runBuilt(evaluate);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/test samples, backend wasm,/);
    const evaluated = await runBuilt([...evaluate, '--json']);
    expect(lastJson<Answer>(evaluated.stdout)).toMatchObject({ backend: 'wasm', backendFallback: null });
  }, 300_000);
});
