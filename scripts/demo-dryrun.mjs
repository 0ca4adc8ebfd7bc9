// The dry-run part of `npm run demo` (scripts/demo.mjs starts it beside the run steps; it also runs alone:
// `node scripts/demo-dryrun.mjs`). A CI-sized LSTM trained on planted-signal bars (the dry-run tests'
// recipe, about 2 s), evaluated against the CI gates and promoted as `sig`; the shipped real candles
// (tests/fixtures/real/unittest_btc_1m.csv) ingested with their gaps allowed; one day of them replayed
// through `buff dryrun --config configs/dryrun_demo.yml`, which leaves a session for the /dryrun page.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = process.cwd();
const dataRoot = process.env.DATA_ROOT ?? join(root, 'data');
const runsRoot = process.env.RUNS_ROOT ?? join(root, 'runs');
const modelsRoot = process.env.MODELS_ROOT ?? join(root, 'models');
const reportsRoot = join(root, 'reports');
const cli = join(root, 'packages/cli/bin/buff.js');

/** Runs `buff ARGS --json`, echoing the command, and returns its JSON answer (exits on failure). */
function buff(args) {
  process.stdout.write(`\n$ buff ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [cli, ...args, '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    process.stderr.write(result.stderr + result.stdout);
    process.stderr.write(`demo: "buff ${args[0]} ${args[1] ?? ''}" failed with exit code ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

const roots = ['--data-root', dataRoot, '--models-root', modelsRoot];
buff(['data', 'synth', '--symbol', 'SIG-USD', '--days', '4', '--seed', '1', '--signal', '1', '--data-root', dataRoot]);
const trained = buff(
  ['train', '--model', 'lstm', '--symbol', 'SIG-USD', '--units', '8', '--epochs', '4', '--window', '16'].concat(
    ['--features', 'ret_1,ret_5', '--train-frac', '0.5', '--val-frac', '0.2', '--learning-rate', '0.02'],
    ['--batch-size', '128', '--patience', '3', ...roots],
  ),
);
process.stdout.write(`trained ${trained.modelDir} (backend ${trained.backend})\n`);
const evaluated = buff(
  ['evaluate', '--model', trained.modelDir, '--data-root', dataRoot, '--reports-root', reportsRoot].concat([
    '--min-accuracy',
    '0.6',
    '--max-calibration-error',
    '0.1',
  ]),
);
process.stdout.write(`evaluation passed: ${evaluated.evaluation?.passed ?? evaluated.passed}\n`);
const promoted = buff([
  'promote',
  '--model',
  trained.modelDir,
  '--name',
  'sig',
  '--models-root',
  modelsRoot,
  '--actor',
  'demo',
]);
process.stdout.write(`promoted sig v${promoted.version} (model ${promoted.modelId}) to ${promoted.alias}\n`);
const real = join(root, 'tests/fixtures/real/unittest_btc_1m.csv');
const ingested = buff([
  'ingest',
  'csv',
  '--input',
  real,
  '--symbol',
  'UNITTEST-BTC',
  '--allow-gaps',
  '--data-root',
  dataRoot,
]);
process.stdout.write(`ingested UNITTEST-BTC 1m (real candles): ${ingested.quality?.rows ?? '?'} rows\n`);
const session = buff(['dryrun', '--config', 'configs/dryrun_demo.yml', '--runs-root', runsRoot, ...roots]);
const c = session.counts;
process.stdout.write(
  `dry-run session ${session.sessionId} ${session.status}: ${c.bars} bars, ${c.gaps} gaps, ${c.refused} refused, ` +
    `${c.signals} signals, ${c.guardrailBlocks} guardrail-blocked bars\n`,
);
