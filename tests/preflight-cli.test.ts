import { copyFileSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeBars, writeDataset } from '@buff/ingest';
import { evaluateModel, trainModel } from '@buff/ml';
import { openModelRegistry, openRunRegistry } from '@buff/registry';
import { fakeRunId, writeFakeRun } from '@buff/registry/testing';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../packages/engine/src/notify/test-support/webhook-receiver.js';
import { runBuilt } from './helpers/built-cli.js';
import { lastJson, REPO_ROOT, runBuff } from './helpers/cli.js';
import { makeTempDir } from './helpers/tmp.js';

type Row = { check: string; ok: boolean; detail: string };
type Report = { ok: boolean; code?: string; checks?: Row[]; details?: { checks: Row[] } };

const tmp = makeTempDir('buff-preflight-');
const dataRoot = join(tmp.dir, 'data');
const runsRoot = join(tmp.dir, 'runs');
const modelsRoot = join(tmp.dir, 'models');
const goodConfig = join(tmp.dir, 'configs', 'ok.yml');
let hook: WebhookReceiver;
let championDir: string;
const runIds = [fakeRunId(1), fakeRunId(2)];

beforeAll(async () => {
  hook = await startWebhookReceiver();
  mkdirSync(join(tmp.dir, 'configs'), { recursive: true });
  copyFileSync(join(REPO_ROOT, 'configs/run_demo.yml'), goodConfig);
  const runs = await openRunRegistry({ runsRoot, create: true });
  for (const id of runIds) {
    const staging = await runs.createStaging(id);
    writeFakeRun(staging, id);
    await runs.publish(id, staging);
  }
  await runs.close();
  await writeDataset(dataRoot, {
    symbol: 'BTC-USD',
    timeframe: '1m',
    bars: synthesizeBars({ days: 2, seed: 5, signal: 1, symbol: 'BTC-USD' }),
    source: { kind: 'synthetic', params: { days: 2, seed: 5, signal: 1 } },
  });
  const trained = await trainModel({
    dataRoot,
    modelsRoot: join(tmp.dir, 'trained'),
    model: 'lstm',
    symbols: ['BTC-USD'],
    epochs: 1,
    window: 8,
    units: 4,
    batchSize: 256,
    seed: 1,
    features: ['ret_1', 'ret_5'],
  });
  await evaluateModel(trained.modelDir, {
    dataRoot,
    gates: { minAccuracy: 0, maxCalibrationError: 1, beatBaselines: false },
  });
  const models = await openModelRegistry({ modelsRoot });
  const promoted = await models.promoteFolder(trained.modelDir, { actor: 'test' });
  championDir = (await models.resolve(promoted.name, 'champion'))?.dir as string;
  await models.close();
}, 300_000);
afterAll(async () => {
  await hook.close();
  tmp.cleanup();
});

const preflight = (extra: string[], env: Record<string, string> = {}, models = modelsRoot) =>
  runBuff(
    ['preflight', '--data-root', dataRoot, '--runs-root', runsRoot, '--models-root', models, '--json', ...extra],
    { env: { BUFF_WEBHOOK_URL: hook.url, BUFF_WEBHOOK_SECRET: 'pf-secret', BUFF_PG_URL: '', ...env } },
  );
const rowsOf = (stdout: string): Row[] => {
  const report = lastJson<Report>(stdout);
  return report.checks ?? report.details?.checks ?? [];
};
const row = (rows: Row[], check: string) => rows.find((r) => r.check === check);

describe('buff preflight', () => {
  it('passes on a healthy setup: one row per check, notifiers checked without a message', async () => {
    const { code, stdout, stderr } = await preflight(['--config', goodConfig, '--min-free-mb', '1']);
    expect(code, stderr + stdout).toBe(0);
    const rows = rowsOf(stdout);
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(rows.map((r) => r.check)).toEqual([
      `config ${goodConfig}`,
      'root DATA_ROOT',
      'root RUNS_ROOT',
      'root MODELS_ROOT',
      'free disk DATA_ROOT',
      'free disk RUNS_ROOT',
      'free disk MODELS_ROOT',
      'run index',
      'champion lstm-BTC-USD-1m',
      'notifier webhook',
      'kill switch',
      'postgres',
    ]);
    expect(row(rows, 'run index')?.detail).toContain('2 run(s)');
    expect(row(rows, 'champion lstm-BTC-USD-1m')?.detail).toMatch(/v1 loads; evaluation passed/);
    expect(hook.received.map((r) => r.body.key)).toEqual(['ping']);
  });

  it('passes from the built buff too', async () => {
    const { code, stdout, stderr } = await runBuilt(
      [
        'preflight',
        '--data-root',
        dataRoot,
        '--runs-root',
        runsRoot,
        '--models-root',
        modelsRoot,
        '--config',
        goodConfig,
        '--min-free-mb',
        '1',
        '--json',
      ],
      { env: { BUFF_WEBHOOK_URL: hook.url, BUFF_WEBHOOK_SECRET: 'pf-secret', BUFF_PG_URL: '' } },
    );
    expect(code, stderr + stdout).toBe(0);
    expect(rowsOf(stdout).filter((r) => !r.ok)).toEqual([]);
    expect(row(rowsOf(stdout), 'champion lstm-BTC-USD-1m')?.detail).toMatch(/loads/);
  });

  it('fails (exit 3) and names each problem: a bad config, a corrupt run, a damaged champion, too little disk', async () => {
    const badConfig = join(tmp.dir, 'configs', 'bad.yml');
    writeFileSync(badConfig, `${readFileSync(goodConfig, 'utf8')}\nsurprise: 1\n`);
    const decisions = join(runsRoot, runIds[1] as string, 'decisions.bin');
    writeFileSync(decisions, Buffer.alloc(readFileSync(decisions).length, 'x'));
    const weights = join(championDir, 'weights.bin');
    truncateSync(weights, 8);
    const human = await runBuff(
      [
        'preflight',
        '--data-root',
        dataRoot,
        '--runs-root',
        runsRoot,
        '--models-root',
        modelsRoot,
        '--config',
        goodConfig,
        '--config',
        badConfig,
        '--min-free-mb',
        '1',
      ],
      { env: { BUFF_PG_URL: '' } },
    );
    expect(human.code).toBe(3);
    expect(human.stdout).toMatch(/config .*bad\.yml\s+FAIL\s+.*surprise/);
    expect(human.stdout).toMatch(new RegExp(`run index\\s+FAIL\\s+corrupt run .*${runIds[1]}`));
    expect(human.stdout).toMatch(/champion lstm-BTC-USD-1m\s+FAIL\s+v1/);
    expect(human.stderr).toContain('PREFLIGHT_FAILED');
    const json = await preflight(['--config', goodConfig, '--min-free-mb', String(2 ** 40)]);
    expect(json.code).toBe(3);
    const rows = rowsOf(json.stdout);
    expect(row(rows, `config ${goodConfig}`)?.ok).toBe(true);
    expect(row(rows, 'root RUNS_ROOT')?.ok).toBe(true);
    expect(row(rows, 'free disk RUNS_ROOT')).toMatchObject({ ok: false, detail: expect.stringMatching(/below the/) });
    expect(row(rows, 'champion lstm-BTC-USD-1m')?.ok).toBe(false);
  });

  it('fails naming a missing root, an unreadable kill switch, an unreachable PostgreSQL and a refusing notifier', async () => {
    mkdirSync(join(runsRoot, '.buff'), { recursive: true });
    writeFileSync(join(runsRoot, '.buff', 'kill-switch.json'), '{"on": tru');
    hook.always({ status: 401, body: { error: 'bad signature' } });
    const { code, stdout, stderr } = await preflight(
      ['--min-free-mb', '1'], // no --config: the repository's configs/*.yml (a run and a sweep config)
      { BUFF_PG_URL: 'postgres://buff:hunter2@127.0.0.1:1/buff' },
      join(tmp.dir, 'nope'),
    );
    expect(code, stdout + stderr).toBe(3);
    const rows = rowsOf(stdout);
    expect(row(rows, 'config configs/run_demo.yml')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/run config/),
    });
    expect(row(rows, 'config configs/sweep_demo.yml')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/sweep/),
    });
    expect(row(rows, 'root MODELS_ROOT')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/nope does not exist/),
    });
    expect(row(rows, 'kill switch')).toMatchObject({ ok: false, detail: expect.stringMatching(/unreadable/) });
    expect(row(rows, 'postgres')).toMatchObject({ ok: false, detail: expect.stringMatching(/unreachable/) });
    expect(row(rows, 'postgres')?.detail).not.toContain('hunter2');
    expect(row(rows, 'notifier webhook')).toMatchObject({ ok: false, detail: expect.stringMatching(/HTTP 401/) });
  });

  it('--timeout-seconds bounds the whole run: the hanging check and the ones after it fail as timed out', async () => {
    hook.always('hang');
    const { code, stdout } = await preflight(['--config', goodConfig, '--min-free-mb', '1', '--timeout-seconds', '20']);
    expect(code).toBe(3);
    const rows = rowsOf(stdout);
    expect(row(rows, 'notifiers')?.detail).toMatch(/^timed out/);
    expect(row(rows, 'kill switch')?.detail).toMatch(/^timed out/);
    expect(row(rows, 'postgres')?.detail).toMatch(/^timed out/);
  }, 180_000);
});
