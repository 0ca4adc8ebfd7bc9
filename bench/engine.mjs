// Run builder speed (issue 3): one symbol of 1,000,000 synthetic 1m bars already in a dataset store,
// then (after a flush to disk and untimed warm-up rounds) alternating whole processes, median of >= 5 each:
//   `node packages/cli/bin/buff.js run build` with sma-cross on 1m (read + verify the stored Arrow,
//   strategy on every bar, simulation, metrics, decisions/trades/equity Arrow + manifest, publish)
//   vs a node process that reads the same bars' CSV into a DuckDB table (@duckdb/node-api).
// Each build gets a fresh runs root (a second build of the same run would be a no-op).
// Needs `npm run build` (run.mjs does it); BUFF_BENCH_SOURCE=1 runs the TypeScript sources instead.
// BENCH_ENGINE_ROWS / BENCH_ENGINE_RUNS change the size and the count. Prints a markdown section.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freshDir, smaCrossConfig, writeBenchDataset } from './lib/bench-dataset.mjs';
import { duckdbReadCsvArgs, median, timedRun } from './lib/reference.mjs';

const ROWS = Number(process.env.BENCH_ENGINE_ROWS ?? 1_000_000);
const RUNS = Math.max(5, Number(process.env.BENCH_ENGINE_RUNS ?? 7));
const WARM_UPS = 2;
const SOURCE = process.env.BUFF_BENCH_SOURCE === '1';
const REPO = resolve(new URL('..', import.meta.url).pathname);
const TMP = join(REPO, 'bench/tmp/engine');
const DATA_ROOT = join(TMP, 'data');
const CSV = join(TMP, `bars-${ROWS}.csv`);
const CONFIG = join(TMP, 'run.json');
const CLI = SOURCE
  ? [process.execPath, '--conditions=source', '--import', 'tsx', join(REPO, 'packages/cli/src/bin.ts')]
  : [process.execPath, join(REPO, 'packages/cli/bin/buff.js')];

const ingest = SOURCE ? await import('@buff/ingest') : await import(join(REPO, 'packages/ingest/dist/index.js'));

freshDir(TMP);
const { bars, window } = await writeBenchDataset(ingest, DATA_ROOT, ROWS);
writeFileSync(CSV, ingest.barsToCsv(bars));
writeFileSync(CONFIG, JSON.stringify(smaCrossConfig('bench sma-cross 1m', { fast: 10, slow: 30 }, window)));

// BUFF_CODE_CACHE=require: a build without its code cache fails instead of measuring the slow start.
const run = (args) => timedRun(args, { BUFF_LOG_LEVEL: 'warn', BUFF_CODE_CACHE: 'require' });
const buildRun = (config, runsRoot) =>
  run([...CLI, 'run', 'build', '--config', config, '--runs-root', runsRoot, '--data-root', DATA_ROOT, '--json']);

// The 160 MB of inputs just written are flushed first (a build fsyncs its artifacts, and would
// otherwise wait behind their writeback), then untimed warm-up rounds of both (right after
// `npm run build` the first rounds of both commands run slow on this machine).
execFileSync('sync');
for (let i = 0; i < WARM_UPS; i++) {
  buildRun(CONFIG, join(TMP, 'runs-warm-up'));
  run(duckdbReadCsvArgs(CSV));
  rmSync(join(TMP, 'runs-warm-up'), { recursive: true, force: true });
}

const buildMs = [];
const duckMs = [];
let runDir = '';
for (let i = 0; i < RUNS; i++) {
  const runsRoot = join(TMP, `runs-${i}`);
  const built = buildRun(CONFIG, runsRoot);
  buildMs.push(built.ms);
  runDir = JSON.parse(built.stdout.trim().split('\n').pop()).runDir;
  const duck = run(duckdbReadCsvArgs(CSV));
  if (Number(duck.stdout.trim()) !== ROWS) throw new Error(`duckdb read ${duck.stdout.trim()} rows, expected ${ROWS}`);
  duckMs.push(duck.ms);
  if (i > 0) rmSync(join(TMP, `runs-${i - 1}`), { recursive: true, force: true });
}

// The floor: the same command on one day of the same bars (node, the CLI bundle, every module a
// build loads, the registry, a tiny simulation and publish).
const TINY_CONFIG = join(TMP, 'run-floor.json');
writeFileSync(
  TINY_CONFIG,
  JSON.stringify({
    ...JSON.parse(readFileSync(CONFIG, 'utf8')),
    name: 'bench floor',
    window: { since: window.since, until: '2024-01-02T00:00:00.000Z' },
  }),
);
const floorMs = [];
for (let i = 0; i < RUNS; i++) floorMs.push(buildRun(TINY_CONFIG, join(TMP, `floor-${i}`)).ms);

const build = median(buildMs);
const duck = median(duckMs);
const size = (file) => (statSync(join(runDir, file)).size / 2 ** 20).toFixed(1);
const ratio = build / duck;
const lines = [
  '## Run builder (issue 3)',
  '',
  `${ROWS.toLocaleString('en-US')} bars of one symbol, 1m, \`sma-cross\` (10/30), ftmo-2step guardrails, data already in the store.`,
  `Whole processes, median of ${RUNS} alternating runs after a flush to disk and ${WARM_UPS} warm-up rounds${SOURCE ? ' (TypeScript sources via tsx)' : ' (built packages)'}.`,
  '',
  '| what | median ms | runs (ms) |',
  '| --- | ---: | --- |',
  `| \`buff run build\` (read + verify Arrow, strategy, simulate, metrics, write + publish artifacts) | ${build.toFixed(0)} | ${buildMs.map((v) => v.toFixed(0)).join(', ')} |`,
  `| DuckDB reads the same bars' CSV into a table (node + @duckdb/node-api) | ${duck.toFixed(0)} | ${duckMs.map((v) => v.toFixed(0)).join(', ')} |`,
  `| floor: \`buff run build\` of one day (1,440 bars) of the same data | ${median(floorMs).toFixed(0)} | ${floorMs.map((v) => v.toFixed(0)).join(', ')} |`,
  '',
  `Ratio build / DuckDB read: **${ratio.toFixed(2)}x** (target <= 1.0: ${ratio <= 1 ? 'met' : 'NOT met'}).`,
  `Artifacts: decisions.arrow ${size('decisions.arrow')} MiB (one row per bar), equity.arrow ${size('equity.arrow')} MiB, trades.arrow ${size('trades.arrow')} MiB.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
rmSync(TMP, { recursive: true, force: true });
