// Ingest at scale (issue 18): `buff ingest csv` vs DuckDB `read_csv` into an in-memory table, whole
// processes, on deterministic 1m CSVs of 1M, 10M and (BENCH_SCALE_ROWS=...,50000000) 50M rows,
// alternating, each run under /usr/bin/time -v: wall time and peak RSS of both. Targets: Buff's time
// <= 0.8x DuckDB's at 10M rows, Buff's peak RSS <= 300 MB. The CSVs are generated in a temp folder
// and removed after each size. The load average is recorded before and after (the machine may be
// shared: the ratio is the figure, both sides measured in the same run).
// BENCH_SCALE_ROWS (comma list, default 1000000,10000000), BENCH_SCALE_RUNS (default 3; 1 above 10M).
// Needs `npm run build` (run.mjs does it). Prints a markdown section.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCsv } from './lib/bars-csv.mjs';
import { REPO, duckdbReadCsvArgs, median, timedRun } from './lib/reference.mjs';

const SIZES = (process.env.BENCH_SCALE_ROWS ?? '1000000,10000000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 3);
const CLI = join(REPO, 'packages/cli/bin/buff.js');
if (!existsSync(join(REPO, 'packages/cli/dist/index.cjs'))) throw new Error('build first: npm run build');
if (!existsSync('/usr/bin/time')) throw new Error('needs /usr/bin/time (GNU time) for the peak RSS of whole processes');

/** One process under `/usr/bin/time -v`: wall ms and peak RSS (MB). */
function measured(args, env) {
  const run = timedRun(['/usr/bin/time', '-v', ...args], env);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  if (!rss) throw new Error(`no peak RSS in /usr/bin/time's output:\n${run.stderr}`);
  return { ms: run.ms, rssMb: Number(rss[1]) / 1024, stdout: run.stdout };
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

function benchSize(rows) {
  const dir = mkdtempSync(join(tmpdir(), 'buff-bench-scale-'));
  try {
    const csv = join(dir, `bars-${rows}.csv`);
    generateCsv(csv, rows);
    const dataRoot = join(dir, 'data');
    const buffArgs = [
      process.execPath,
      CLI,
      'ingest',
      'csv',
      '--input',
      csv,
      '--symbol',
      'SCALE',
      '--data-root',
      dataRoot,
    ];
    const duckArgs = duckdbReadCsvArgs(csv);
    const runs = rows > 10_000_000 ? Math.min(RUNS, 1) : RUNS;
    const buff = [];
    const duck = [];
    for (let i = 0; i < runs; i++) {
      buff.push(measured(buffArgs, { BUFF_CODE_CACHE: 'require' }));
      const d = measured(duckArgs);
      if (Number(d.stdout.trim()) !== rows) throw new Error(`duckdb read ${d.stdout.trim()} rows, expected ${rows}`);
      duck.push(d);
    }
    return { rows, mib: statSync(csv).size / 2 ** 20, buff, duck };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadBefore = load();
const results = SIZES.map(benchSize);
const loadAfter = load();
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (runs) => `${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} MB`;
const lines = [
  '## Ingest at scale (bench/ingest-scale.mjs)',
  '',
  'Deterministic 1m CSVs, whole processes alternating under `/usr/bin/time -v` (median wall time, highest peak RSS):',
  '`buff ingest csv` (parse, every rule, Arrow + dataset.json + quality report, committed) vs a node process in',
  'which DuckDB reads the file into an in-memory table (`read_csv`). Targets at 10M rows: <= 0.8x, Buff peak RSS <= 300 MB.',
  '',
  '| rows | CSV | runs | Buff time | DuckDB time | ratio | Buff peak RSS | DuckDB peak RSS |',
  '|---|---|---|---|---|---|---|---|',
  ...results.map(({ rows, mib, buff, duck }) => {
    const b = median(buff.map((r) => r.ms));
    const d = median(duck.map((r) => r.ms));
    return `| ${rows.toLocaleString('en-US')} | ${mib.toFixed(0)} MiB | ${buff.length} | ${s(b)} | ${s(d)} | ${(b / d).toFixed(2)}x | ${mb(buff)} | ${mb(duck)} |`;
  }),
  '',
  `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
