import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuffError, type EvaluationRecord, type ModelCard } from '@buff/core';
import { type ComparedChampion, fakeEvaluation, fakeModelCard } from './fake-model.js';
import { openModelRegistry, type ModelRegistry } from './model-registry.js';

let root: string;
let models: ModelRegistry;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'buff-promotion-'));
  models = await openModelRegistry({ modelsRoot: join(root, 'models') });
});
afterEach(async () => {
  await models.close();
  rmSync(root, { recursive: true, force: true });
});

// the card and evaluation writers tests/promote-race.test.ts uses too (via '@buff/registry/testing')
const card = fakeModelCard;
const evaluation = (modelId: string, passed: boolean, champion?: ComparedChampion): EvaluationRecord =>
  fakeEvaluation(modelId, { passed, champion });

function modelFolder(tag: string, files: { card?: ModelCard; evaluation?: EvaluationRecord }): string {
  const dir = join(root, 'trained', tag);
  mkdirSync(dir, { recursive: true });
  if (files.card) writeFileSync(join(dir, 'model-card.json'), JSON.stringify(files.card));
  if (files.evaluation) writeFileSync(join(dir, 'evaluation.json'), JSON.stringify(files.evaluation));
  return dir;
}

async function refusal(promotion: Promise<unknown>): Promise<BuffError> {
  const err = await promotion.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BuffError);
  return err as BuffError;
}

describe('ModelRegistry.promoteFolder: the promotion rules in the SDK', () => {
  it('registers a passing folder under the card name, moves the alias, and reuses the version for the same model', async () => {
    const c = card(1);
    const dir = modelFolder('a', { card: c, evaluation: evaluation(c.modelId, true) });
    const first = await models.promoteFolder(dir, { actor: 'ci' });
    expect(first).toMatchObject({ name: 'lstm_BTC-USD_1m', version: 1, alias: 'champion', registered: true });
    expect(first.modelId).toBe(c.modelId);
    const again = await models.promoteFolder(dir, { actor: 'ci', alias: 'candidate', reason: 'again' });
    expect(again).toMatchObject({ version: 1, alias: 'candidate', registered: false });
    expect((await models.resolve('lstm_BTC-USD_1m', 'candidate'))?.card.modelId).toBe(c.modelId);
    expect((await models.auditLog('lstm_BTC-USD_1m')).map((e) => e.action)).toEqual([
      'register',
      'promote',
      'evaluate',
      'promote',
    ]);
  });

  it('refuses a folder without an evaluation (rule MISSING_EVALUATION) and registers nothing', async () => {
    const c = card(2);
    const err = await refusal(models.promoteFolder(modelFolder('b', { card: c }), { actor: 'ci', name: 'm' }));
    expect(err.code).toBe('PROMOTION_REFUSED');
    expect(err.details.rule).toBe('MISSING_EVALUATION');
    expect(await models.listModels()).toEqual([]);
  });

  it('refuses an evaluation that failed its gates (rule GATES_FAILED, with the failures)', async () => {
    const c = card(3);
    const dir = modelFolder('c', { card: c, evaluation: evaluation(c.modelId, false) });
    const err = await refusal(models.promoteFolder(dir, { actor: 'ci' }));
    expect(err.code).toBe('PROMOTION_REFUSED');
    expect(err.details).toMatchObject({ rule: 'GATES_FAILED', failures: ['accuracy 0.5000 < minAccuracy 0.68'] });
    expect(await models.listModels()).toEqual([]);
  });

  it('refuses an evaluation made for another model (rule EVALUATION_MODEL) and a tampered one', async () => {
    const c = card(4);
    const other = card(5);
    const dir = modelFolder('d', { card: c, evaluation: evaluation(other.modelId, true) });
    const err = await refusal(models.promoteFolder(dir, { actor: 'ci' }));
    expect(err.details).toMatchObject({ rule: 'EVALUATION_MODEL', key: 'modelId', value: other.modelId });
    writeFileSync(join(dir, 'evaluation.json'), JSON.stringify({ modelId: c.modelId, passed: true, failures: [] }));
    const tampered = await refusal(models.promoteFolder(dir, { actor: 'ci' }));
    expect(tampered.code).toBe('PROMOTION_REFUSED');
    expect(tampered.message).toMatch(/evaluation.json: datasets/);
    expect(await models.listModels()).toEqual([]);
  });

  it('refuses a folder whose model card does not match its content (CORRUPT_ARTIFACT)', async () => {
    const c = { ...card(6), seed: 7 };
    const dir = modelFolder('e', { card: c, evaluation: evaluation(c.modelId, true) });
    const err = await refusal(models.promoteFolder(dir, { actor: 'ci' }));
    expect(err.code).toBe('CORRUPT_ARTIFACT');
    expect(err.details).toMatchObject({ key: 'modelId', rule: 'MODEL_CARD' });
  });

  it('a challenger must have been compared with the current champion (rule CHAMPION_NOT_COMPARED)', async () => {
    const first = card(11);
    await models.promoteFolder(modelFolder('ch1', { card: first, evaluation: evaluation(first.modelId, true) }), {
      actor: 'ci',
    });
    const second = card(12);
    const unaware = modelFolder('ch2', { card: second, evaluation: evaluation(second.modelId, true) });
    const err = await refusal(models.promoteFolder(unaware, { actor: 'ci' }));
    expect(err.details).toMatchObject({ rule: 'CHAMPION_NOT_COMPARED', key: 'baselines.champion' });
    expect(err.message).toContain(`the champion is lstm_BTC-USD_1m v1 (model ${first.modelId})`);
    // the hint names the registry name to evaluate against (a card's own name can differ from it)
    expect(err.message).toContain('--name lstm_BTC-USD_1m with this models root');
    const stale = evaluation(second.modelId, true, { version: 7, modelId: first.modelId, beaten: true });
    const staleErr = await refusal(
      models.promoteFolder(modelFolder('ch3', { card: second, evaluation: stale }), { actor: 'ci' }),
    );
    expect(staleErr.message).toMatch(/it was compared with v7/);
    // as a candidate it needs no comparison; re-promoting the champion itself neither
    await models.promoteFolder(unaware, { actor: 'ci', alias: 'candidate' });
    expect((await models.promoteFolder(modelFolder('ch1', {}), { actor: 'ci' })).version).toBe(1);
    const beat = evaluation(second.modelId, true, { version: 1, modelId: first.modelId, beaten: true });
    const promoted = await models.promoteFolder(modelFolder('ch4', { card: second, evaluation: beat }), {
      actor: 'ci',
    });
    expect(promoted).toMatchObject({ version: 2, alias: 'champion' });
  });

  it('a challenger that did not beat the champion is refused with the figures (GATES_FAILED, or CHAMPION_NOT_BEATEN when the gate was off)', async () => {
    const first = card(21);
    await models.promoteFolder(modelFolder('nb1', { card: first, evaluation: evaluation(first.modelId, true) }), {
      actor: 'ci',
    });
    const second = card(22);
    const lost = evaluation(second.modelId, true, { version: 1, modelId: first.modelId, beaten: false });
    lost.failures = ['does not beat champion lstm_BTC-USD_1m v1: accuracy 0.8000 vs 0.7900, McNemar p 0.4000'];
    const gated = await refusal(
      models.promoteFolder(modelFolder('nb2', { card: second, evaluation: lost }), { actor: 'ci' }),
    );
    expect(gated.details).toMatchObject({ rule: 'GATES_FAILED' });
    expect(gated.message).toContain('does not beat champion lstm_BTC-USD_1m v1: accuracy 0.8000 vs 0.7900');
    const forged = { ...lost, passed: true, failures: [] };
    const err = await refusal(
      models.promoteFolder(modelFolder('nb3', { card: second, evaluation: forged }), { actor: 'ci' }),
    );
    expect(err.details).toMatchObject({ rule: 'CHAMPION_NOT_BEATEN' });
    expect(err.message).toMatch(
      /does not beat the champion lstm_BTC-USD_1m v1 .*accuracy 0\.8000 vs 0\.7900, McNemar p 0\.400/,
    );
    expect((await models.resolve('lstm_BTC-USD_1m', 'champion'))?.version).toBe(1);
  });
});
