// Dry-run runtime speed (issue 12), with the CI-sized LSTM champion `sig` (the dry-run tests' recipe:
// 4 days of planted-signal 1m bars, features ret_1 + ret_5, window 16, 8 units), on planted-signal 1m bars:
// (a) replay: `buff dryrun --config C` (feed replay, every bar checked, stepped, journaled; group commit:
//     one fsync per round of up to 256 bars) against `buff run build --config C` (the backtest baseline,
//     model-signal on the same window), whole built-CLI processes alternating, a fresh runs root each,
//     median of BENCH_DRYRUN_RUNS (3). Target <= 1.5x.
// (b) per-bar latency through runDryRun (the engine's API, in this process) on a paced replay (sleepMs
//     BENCH_DRYRUN_SLEEP_MS, 5: bars come as from a live feed, the bars of one minute of every lane
//     together, then a pause): from the kill-switch check that starts a round (the minute's arrival) to
//     each bar's journal line fsynced (onEntry), at 1 symbol and at 10 (one lane per symbol: the 10th bar
//     of a minute waits for the 9 stepped before it). p50 and p99.
// BENCH_DRYRUN_DAYS (30) sets the replay window, BENCH_DRYRUN_LATENCY_BARS (2000) the minutes timed in (b).
// Needs `npm run build` (run.mjs does it). Prints a markdown section.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { freshDir } from './lib/bench-dataset.mjs';
import { median, REPO, timedRun } from './lib/reference.mjs';

const DAYS = Number(process.env.BENCH_DRYRUN_DAYS ?? 30);
const RUNS = Math.max(1, Number(process.env.BENCH_DRYRUN_RUNS ?? 3));
const LATENCY_BARS = Number(process.env.BENCH_DRYRUN_LATENCY_BARS ?? 2000);
const SLEEP_MS = Number(process.env.BENCH_DRYRUN_SLEEP_MS ?? 5);
const LANES = 10;
const TMP = join(REPO, 'bench/tmp/dryrun');
const DATA = join(TMP, 'data');
const MODELS = join(TMP, 'models');
const BIN = join(REPO, 'packages/cli/bin/buff.js');
const SINCE = Date.parse('2024-01-01T00:00:00Z');
const engine = await import(join(REPO, 'packages/engine/dist/index.js'));
const registry = await import(join(REPO, 'packages/registry/dist/index.js'));

function buff(args) {
  const out = execFileSync(process.execPath, [BIN, ...args, '--json'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, BUFF_LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 2 ** 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1));
}

/** The champion `sig`, and planted-signal bars for BENCH-0..9 (seeds 2..11) over DAYS (+1 for warm-up). */
function prepare() {
  freshDir(TMP);
  buff(['data', 'synth', '--symbol', 'SIG-USD', '--days', '4', '--seed', '1', '--signal', '1', '--data-root', DATA]);
  const trained = buff(
    ['train', '--model', 'lstm', '--symbol', 'SIG-USD', '--units', '8', '--epochs', '4', '--window', '16'].concat(
      ['--features', 'ret_1,ret_5', '--train-frac', '0.5', '--val-frac', '0.2', '--learning-rate', '0.02'],
      ['--batch-size', '128', '--patience', '3', '--data-root', DATA, '--models-root', MODELS],
    ),
  );
  buff(
    ['evaluate', '--model', trained.modelDir, '--data-root', DATA, '--min-accuracy', '0.6'].concat([
      '--max-calibration-error',
      '0.1',
      '--reports-root',
      join(TMP, 'reports'),
    ]),
  );
  buff(['promote', '--model', trained.modelDir, '--name', 'sig', '--models-root', MODELS, '--actor', 'bench']);
  const days = String(Math.max(DAYS, Math.ceil(LATENCY_BARS / 1440)) + 1);
  for (let i = 0; i < LANES; i++)
    buff(
      ['data', 'synth', '--symbol', `BENCH-${i}`, '--days', days, '--seed', String(i + 2), '--signal', '1'].concat([
        '--data-root',
        DATA,
      ]),
    );
}

function config(symbols, since, until) {
  return {
    name: 'bench dryrun',
    strategy: { name: 'model-signal', params: { model: { name: 'sig' } } },
    symbols,
    timeframe: '1m',
    window: { since: new Date(since).toISOString(), until: new Date(until).toISOString() },
    allowShort: true,
    guardrails: { preset: 'ftmo-2step' },
  };
}

/** (a): median wall ms of run build and of dryrun over the same DAYS window, alternating. */
function replayVsBuild() {
  const path = join(TMP, 'replay.json');
  const cfg = config(['BENCH-0'], SINCE + 86_400_000, SINCE + (DAYS + 1) * 86_400_000);
  writeFileSync(path, JSON.stringify(cfg));
  const roots = (name) => {
    freshDir(join(TMP, name));
    return ['--runs-root', join(TMP, name), '--data-root', DATA, '--models-root', MODELS];
  };
  const times = { build: [], dryrun: [] };
  let bars = 0;
  let runtime;
  for (let r = 0; r <= RUNS; r++) {
    const b = timedRun([process.execPath, BIN, 'run', 'build', '--config', path, ...roots(`b${r}`)], {
      BUFF_LOG_LEVEL: 'warn',
    });
    const d = timedRun([process.execPath, BIN, 'dryrun', '--config', path, '--json', ...roots(`d${r}`)], {
      BUFF_LOG_LEVEL: 'warn',
    });
    const session = JSON.parse(d.stdout.trim().split('\n').at(-1));
    if (session.status !== 'completed') throw new Error(`dry run ended ${session.status}: ${session.stopReason}`);
    bars = session.counts.bars;
    runtime = JSON.parse(readFileSync(join(session.dir, 'runtime.json'), 'utf8'));
    if (r === 0) continue; // warm-up (page cache, code cache)
    times.build.push(b.ms);
    times.dryrun.push(d.ms);
  }
  // where a dry-run bar's time goes (last run): the step (features, inference, simulator) vs the rest (journal, fsync)
  const step = runtime.inferenceSeconds.sum / runtime.inferenceSeconds.count;
  const bar = runtime.barSeconds.sum / runtime.barSeconds.count;
  return { bars, build: median(times.build), dryrun: median(times.dryrun), stepMs: step * 1000, barMs: bar * 1000 };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** (b): per-bar latency (ms) of a paced replay session of `lanes` symbols, LATENCY_BARS bars each, in process. */
async function latency(lanes) {
  const symbols = Array.from({ length: lanes }, (_, i) => `BENCH-${i}`);
  const since = SINCE + 86_400_000;
  const models = await registry.openModelRegistry({ modelsRoot: MODELS });
  const resolveModel = async (ref) => {
    const found = await models.resolve(ref.name, ref.alias ?? 'champion');
    return { name: found.name, version: found.version, modelId: found.card.modelId, dir: found.dir };
  };
  const samples = [];
  let asked = 0;
  let roundStarted = false;
  let minuteStart = 0;
  let minuteTs = -1;
  const runsRoot = join(TMP, `latency-${lanes}`);
  freshDir(runsRoot);
  const result = await engine.runDryRun({
    runsRoot,
    dataRoot: DATA,
    config: config(symbols, since, since + LATENCY_BARS * 60_000),
    feed: 'replay',
    sleepMs: SLEEP_MS,
    resolveModel,
    killSwitchOn: () => {
      // the first check after a round's entries were handed out starts the next round (the minute arrives)
      if (!roundStarted) asked = performance.now();
      roundStarted = true;
      return false;
    },
    onEntry: (entry) => {
      const now = performance.now();
      roundStarted = false;
      if (entry.bar[0] !== minuteTs) {
        minuteTs = entry.bar[0];
        minuteStart = asked;
      }
      samples.push(now - minuteStart);
    },
  });
  await models.close();
  if (result.status !== 'completed') throw new Error(`latency session ended ${result.status}`);
  const sorted = samples.slice(lanes * 100).sort((a, b) => a - b); // the first 100 minutes warm the JIT
  return { bars: samples.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
}

prepare();
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
const a = replayVsBuild();
const one = await latency(1);
const ten = await latency(LANES);
const loadAfter = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
const ms = (v) => `${v.toFixed(2)} ms`;
process.stdout.write(
  `${[
    '## dryrun: replay vs run build, per-bar latency (issue 12)',
    '',
    `- ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString().slice(0, 10)}, load average ${load} before, ${loadAfter} after`,
    `- Model: the CI-sized LSTM champion (ret_1 + ret_5, window 16, 8 units); planted-signal 1m bars; ftmo-2step`,
    '',
    `| (a) ${DAYS} days of 1m bars (${a.bars} bars), built CLI, median of ${RUNS} | wall |`,
    '|---|---:|',
    `| \`buff run build\` (model-signal, the baseline) | ${(a.build / 1000).toFixed(2)} s |`,
    `| \`buff dryrun\` (replay, group commit: one fsync per round of up to 256 bars) | ${(a.dryrun / 1000).toFixed(2)} s |`,
    `| **dry run / backtest** (target <= 1.5x) | **${(a.dryrun / a.build).toFixed(2)}x** |`,
    '',
    `Per dry-run bar (its runtime.json): ${ms(a.barMs)} from arrival to fsync, of which ${ms(a.stepMs)} features, inference and the simulator step; the rest is the journal line and its fsync.`,
    '',
    `| (b) paced replay (${SLEEP_MS} ms between minutes): minute arrival -> bar's journal line fsynced | bars | p50 | p99 | max |`,
    '|---|---:|---:|---:|---:|',
    `| 1 symbol | ${one.bars} | ${ms(one.p50)} | ${ms(one.p99)} | ${ms(one.max)} |`,
    `| ${LANES} symbols (one lane each, one fsync per minute for all) | ${ten.bars} | ${ms(ten.p50)} | ${ms(ten.p99)} | ${ms(ten.max)} |`,
    '',
    'Target (issue 12): p99 <= 50 ms at 10 symbols on 2 cores. `BENCH_DRYRUN_DAYS=2 node bench/dryrun.mjs` is a quick run.',
  ].join('\n')}\n`,
);
