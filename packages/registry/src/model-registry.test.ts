import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuffError } from '@buff/core';
import { openModelRegistry, type ModelRegistry } from './model-registry.js';

let root: string;
let models: ModelRegistry;

function modelFolder(tag: string): string {
  const dir = join(root, 'src', tag);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ tag }));
  return dir;
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'buff-models-'));
  models = await openModelRegistry({ modelsRoot: join(root, 'models') });
});
afterEach(async () => {
  await models.close();
  rmSync(root, { recursive: true, force: true });
});

describe('ModelRegistry (fs)', () => {
  it('registers numbered versions as copies and resolves aliases', async () => {
    const v1 = await models.registerVersion('lstm-btc', {
      sourceDir: modelFolder('a'),
      card: { kind: 'lstm' },
      evaluation: { passed: true, accuracy: 0.7 },
    });
    const v2 = await models.registerVersion('lstm-btc', {
      sourceDir: modelFolder('b'),
      card: { kind: 'lstm' },
      evaluation: { passed: true, accuracy: 0.71 },
    });
    expect([v1, v2]).toEqual([1, 2]);
    expect(JSON.parse(readFileSync(join(root, 'models', 'lstm-btc', 'v2', 'model.json'), 'utf8'))).toEqual({
      tag: 'b',
    });
    expect(await models.resolve('lstm-btc', 'champion')).toBeUndefined();
    await models.promote('lstm-btc', 1, { actor: 'ana' });
    await models.promote('lstm-btc', 2, { actor: 'ana', reason: 'better' });
    await models.promote('lstm-btc', 2, { alias: 'candidate', actor: 'ana' });
    expect((await models.resolve('lstm-btc', 'champion'))?.version).toBe(2);
    expect(await models.listModels()).toEqual([
      { name: 'lstm-btc', versions: 2, latest: 2, aliases: { champion: 2, candidate: 2 } },
    ]);
    expect((await models.getVersion('lstm-btc', 2))?.evaluation).toMatchObject({ accuracy: 0.71 });
  });

  it('refuses promotion without a passing evaluation, with no way around it, and audits the refusal', async () => {
    await models.registerVersion('tx', {
      sourceDir: modelFolder('a'),
      card: {},
      evaluation: { passed: false, accuracy: 0.5 },
    });
    await models.registerVersion('tx', { sourceDir: modelFolder('b'), card: {} });
    for (const version of [1, 2]) {
      await expect(models.promote('tx', version, { actor: 'ana' })).rejects.toSatisfy((err) =>
        isBuffError(err, 'PROMOTION_REFUSED'),
      );
    }
    expect(await models.resolve('tx', 'champion')).toBeUndefined();
    await models.attachEvaluation('tx', 2, { passed: true }, 'ci');
    await models.promote('tx', 2, { actor: 'ana' });
    expect((await models.auditLog('tx')).map((e) => e.action)).toEqual([
      'register',
      'register',
      'promotion-refused',
      'promotion-refused',
      'evaluate',
      'promote',
    ]);
  });

  it('rolls back to the previous champion and records every move in an append-only log', async () => {
    for (const tag of ['a', 'b', 'c'])
      await models.registerVersion('m', { sourceDir: modelFolder(tag), card: {}, evaluation: { passed: true } });
    await models.promote('m', 1, { actor: 'x' });
    await models.promote('m', 3, { actor: 'x' });
    expect((await models.rollback('m', { actor: 'y', reason: 'drift' })).version).toBe(1);
    expect((await models.resolve('m', 'champion'))?.version).toBe(1);
    await expect(models.rollback('m', { actor: 'y' })).rejects.toSatisfy((err) => isBuffError(err, 'INVALID_INPUT'));
    const log = await models.auditLog('m');
    expect(log.map((e) => [e.action, e.details.from ?? null, e.details.to ?? null])).toEqual([
      ['register', null, null],
      ['register', null, null],
      ['register', null, null],
      ['promote', null, 1],
      ['promote', 1, 3],
      ['rollback', 3, 1],
    ]);
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const reopened = await openModelRegistry({ modelsRoot: join(root, 'models') });
    expect((await reopened.resolve('m', 'champion'))?.version).toBe(1);
    expect(await reopened.auditLog('m')).toEqual(log);
    await reopened.close();
  });

  it('rejects names that are paths', async () => {
    await expect(models.registerVersion('../x', { sourceDir: modelFolder('a'), card: {} })).rejects.toSatisfy((err) =>
      isBuffError(err, 'INVALID_ID'),
    );
    await expect(models.resolve('a/b', 'champion')).rejects.toThrow(/invalid model name/);
  });
});
