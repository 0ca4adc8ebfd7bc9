// Sweep speed (issue 14): 1,000 sma-cross cells (fast 20 values x slow 50 values) on one symbol of
// 1,000,000 synthetic 1m bars already in a dataset store. Whole processes of the built CLI, median of
// the runs, each with a fresh runs root (a sweep or a run already published is a no-op):
//   `buff sweep` of the 1,000 cells, metrics only (`keep: none`: folds.arrow + report, no run artifacts)
//   vs `buff run build` of one cell of the same grid (read + verify, strategy, simulate, write, publish).
// The cost per cell is the whole sweep process divided by the cells (its data load, config checks,
// statistics and writes included). In-process, a smaller sweep is also run with the indicator cache
// off (every cell through the full simulator) and on, to show what the cache and the equity kernel save.
// BENCH_SWEEP_ROWS / BENCH_SWEEP_RUNS / BENCH_SWEEP_FULL_CELLS change the size. Prints a markdown section.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { freshDir, smaCrossConfig, writeBenchDataset } from './lib/bench-dataset.mjs';
import { median, timedRun } from './lib/reference.mjs';

const ROWS = Number(process.env.BENCH_SWEEP_ROWS ?? 1_000_000);
const RUNS = Math.max(1, Number(process.env.BENCH_SWEEP_RUNS ?? 3));
const FULL_CELLS = Number(process.env.BENCH_SWEEP_FULL_CELLS ?? 10);
const REPO = resolve(new URL('..', import.meta.url).pathname);
const TMP = join(REPO, 'bench/tmp/sweep');
const DATA_ROOT = join(TMP, 'data');
const CLI = [process.execPath, join(REPO, 'packages/cli/bin/buff.js')];
const FAST = Array.from({ length: 20 }, (_, i) => 2 + i); // 2..21
const SLOW = Array.from({ length: 50 }, (_, i) => 25 + 2 * i); // 25..123
const CELLS = FAST.length * SLOW.length;

const ingest = await import(join(REPO, 'packages/ingest/dist/index.js'));
const engine = await import(join(REPO, 'packages/engine/dist/index.js'));
const registry = await import(join(REPO, 'packages/registry/dist/index.js'));

freshDir(TMP);
const { window } = await writeBenchDataset(ingest, DATA_ROOT, ROWS);
const base = join(TMP, 'base.json');
writeFileSync(base, JSON.stringify(smaCrossConfig('bench sweep sma-cross 1m', { fast: 10, slow: 31 }, window)));
const sweepConfig = (name, fast, slow) => {
  const file = join(TMP, `${name}.json`);
  const grid = { 'strategy.params.fast': fast, 'strategy.params.slow': slow };
  writeFileSync(file, JSON.stringify({ name, base: 'base.json', grid, walkForward: { folds: 4 }, keep: 'none' }));
  return file;
};
const SWEEP = sweepConfig('sweep-1000', FAST, SLOW);
execFileSync('sync');

const run = (args) => timedRun(args, { BUFF_LOG_LEVEL: 'warn', BUFF_CODE_CACHE: 'require' });
const roots = (name) => ['--runs-root', join(TMP, name), '--data-root', DATA_ROOT, '--json'];
const buildOnce = (i) => run([...CLI, 'run', 'build', '--config', base, ...roots(`build-${i}`)]).ms;
const sweepOnce = (i) => {
  const result = run([...CLI, 'sweep', '--config', SWEEP, ...roots(`sweep-${i}`)]);
  const json = JSON.parse(result.stdout.trim().split('\n').pop());
  if (json.cells !== CELLS || json.created !== true) throw new Error(`unexpected sweep result ${result.stdout}`);
  return result.ms;
};

buildOnce('warm-up');
const buildMs = [];
const sweepMs = [];
for (let i = 0; i < RUNS; i++) {
  buildMs.push(buildOnce(i));
  sweepMs.push(sweepOnce(i));
  buildMs.push(buildOnce(`${i}b`));
}

// In-process: the same cells with the cache off (full simulator per cell) and on, on a few cells.
const smallFast = FAST.slice(0, Math.max(1, Math.round(FULL_CELLS / 2)));
const small = sweepConfig('sweep-small', smallFast, SLOW.slice(0, 2));
const smallCells = smallFast.length * 2;
const inProcess = async (indicatorCache) => {
  const runStore = await registry.openRunRegistry({ runsRoot: join(TMP, `small-${indicatorCache}`), create: true });
  const sweep = engine.parseSweepConfig(readFileSync(small, 'utf8'), small);
  const t0 = performance.now();
  await engine.runSweep(sweep, { configPath: small, dataRoot: DATA_ROOT, runStore, indicatorCache });
  const ms = performance.now() - t0;
  await runStore.close();
  return ms;
};
const fullMs = await inProcess(false);
const cachedMs = await inProcess(true);

const build = median(buildMs);
const sweep = median(sweepMs);
const perCell = sweep / CELLS;
const ratio = perCell / build;
const [load1] = loadavg();
const lines = [
  '## Sweep (issue 14 speed, bench/sweep.mjs)',
  '',
  `${CELLS.toLocaleString('en-US')} sma-cross cells (fast ${FAST[0]}..${FAST[FAST.length - 1]} x slow ${SLOW[0]}..${SLOW[SLOW.length - 1]} step 2), walk-forward 4 folds, CSCV 8 blocks, on ${ROWS.toLocaleString('en-US')} synthetic 1m bars of one symbol (seed 11) in the store; ftmo-2step guardrails, fees 10 bps, slippage 2 bps.`,
  `Whole processes of the built CLI, median of ${RUNS} sweeps and ${buildMs.length} builds alternating (load average ${load1.toFixed(1)} at the end).`,
  '',
  '| what | median ms | runs (ms) |',
  '| --- | ---: | --- |',
  `| \`buff sweep\` of ${CELLS} cells, metrics only (one data load, one indicator cache, equity-only kernel) | ${sweep.toFixed(0)} | ${sweepMs.map((v) => v.toFixed(0)).join(', ')} |`,
  `| \`buff run build\` of one cell (fast 10, slow 31) | ${build.toFixed(0)} | ${buildMs.map((v) => v.toFixed(0)).join(', ')} |`,
  '',
  `Cost per cell: ${perCell.toFixed(1)} ms = **${(ratio * 100).toFixed(2)}%** of a standalone build (target <= 5%: ${ratio <= 0.05 ? 'met' : 'NOT met'}).`,
  `In one process, ${smallCells} cells: full simulator per cell ${(fullMs / smallCells).toFixed(0)} ms/cell, cached ${(cachedMs / smallCells).toFixed(0)} ms/cell (both with one data load; the cached run also computes its indicator series).`,
];
process.stdout.write(`${lines.join('\n')}\n`);
rmSync(TMP, { recursive: true, force: true });
