// Ingest speed and memory (issue 2): a deterministic 1,000,000-row 1m CSV, then alternating whole
// processes, median of >= 5 each:
//   `node packages/cli/bin/buff.js ingest csv` (parse, validate every rule, write Arrow + dataset.json)
//   vs a node process that reads the same file into a DuckDB table (@duckdb/node-api).
// Plus resampling those bars to 1h in memory (our `resample`) vs DuckDB's time_bucket group-by on its
// in-memory table, and the peak RSS of the ingest process (/usr/bin/time -v when present, else the
// CLI's own process.resourceUsage().maxRSS via BUFF_REPORT_RSS=1). Needs `npm run build` (run.mjs does it).
// BENCH_INGEST_ROWS / BENCH_INGEST_RUNS change the size and the count. Prints a markdown section.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateCsv } from './lib/bars-csv.mjs';
import { duckdbReadCsvArgs, median, timedRun } from './lib/reference.mjs';

const ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 1_000_000);
const RUNS = Math.max(5, Number(process.env.BENCH_INGEST_RUNS ?? 7));
const REPO = resolve(new URL('..', import.meta.url).pathname);
const TMP = join(REPO, 'bench/tmp');
const CSV = join(TMP, `ingest-${ROWS}.csv`);
const DATA_ROOT = join(TMP, 'ingest-data');
const CLI = join(REPO, 'packages/cli/bin/buff.js');

const DUCKDB_RESAMPLE = `
import { DuckDBInstance } from '@duckdb/node-api';
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run("CREATE TABLE t AS SELECT * FROM read_csv('${CSV}')");
const times = [];
for (let i = 0; i < ${RUNS}; i++) {
  const start = performance.now();
  await connection.run("CREATE OR REPLACE TABLE h AS SELECT time_bucket(INTERVAL '1 hour', timestamp) AS bucket, first(open ORDER BY timestamp) AS open, max(high) AS high, min(low) AS low, last(close ORDER BY timestamp) AS close, sum(volume) AS volume FROM t GROUP BY bucket ORDER BY bucket");
  times.push(performance.now() - start);
}
const reader = await connection.runAndReadAll('SELECT count(*) FROM h');
process.stdout.write(JSON.stringify({ times, rows: Number(reader.getRows()[0][0]) }) + '\\n');
`;

// BUFF_CODE_CACHE=require: a build without its code cache fails instead of measuring the slow start.
const run = (args, env = {}) => timedRun(args, { BUFF_CODE_CACHE: 'require', ...env });
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;

mkdirSync(TMP, { recursive: true });
if (!existsSync(CSV)) generateCsv(CSV, ROWS);
if (!existsSync(join(REPO, 'packages/cli/dist/index.cjs'))) throw new Error('build first: npm run build');
const ingestArgs = [
  process.execPath,
  CLI,
  'ingest',
  'csv',
  '--input',
  CSV,
  '--symbol',
  'BENCH',
  '--data-root',
  DATA_ROOT,
];
const duckArgs = duckdbReadCsvArgs(CSV);

// One untimed warm-up each (page cache, lazy disk), then alternate.
rmSync(DATA_ROOT, { recursive: true, force: true });
run(ingestArgs);
run(duckArgs);
const buffTimes = [];
const duckTimes = [];
for (let i = 0; i < RUNS; i++) {
  buffTimes.push(run(ingestArgs).ms);
  const duck = run(duckArgs);
  if (Number(duck.stdout.trim()) !== ROWS) throw new Error(`duckdb read ${duck.stdout.trim()} rows, expected ${ROWS}`);
  duckTimes.push(duck.ms);
}

// The floor of the ingest process: the same command on a one-row CSV (node, the CLI bundle, every
// module the ingest path loads, and a tiny ingest).
const TINY = join(TMP, 'ingest-floor.csv');
writeFileSync(TINY, 'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n');
const floorArgs = [
  process.execPath,
  CLI,
  'ingest',
  'csv',
  '--input',
  TINY,
  '--symbol',
  'FLOOR',
  '--data-root',
  join(TMP, 'ingest-floor-data'),
];
const floorTimes = [];
for (let i = 0; i < RUNS; i++) floorTimes.push(run(floorArgs).ms);

// Peak RSS of one more ingest process.
let rssMb;
let rssMethod;
if (existsSync('/usr/bin/time')) {
  const timed = run(['/usr/bin/time', '-v', ...ingestArgs]);
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(timed.stderr);
  rssMb = match ? Number(match[1]) / 1024 : undefined;
  rssMethod = '`/usr/bin/time -v` (whole process)';
} else {
  const reported = run(ingestArgs, { BUFF_REPORT_RSS: '1' });
  const match = /maxRSS (\d+(?:\.\d+)?) MB/.exec(reported.stderr);
  rssMb = match ? Number(match[1]) : undefined;
  rssMethod = "the CLI's process.resourceUsage().maxRSS (BUFF_REPORT_RSS=1)";
}

// Resampling 1M bars to 1h in memory.
const { readBars, resample } = await import(join(REPO, 'packages/ingest/dist/index.js'));
const { bars } = await readBars(DATA_ROOT, 'BENCH', '1m');
resample(bars, '1h');
const resampleTimes = [];
let hourly;
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  hourly = resample(bars, '1h', { includePartial: true });
  resampleTimes.push(performance.now() - start);
}
const duckResample = JSON.parse(run([process.execPath, '--input-type=module', '-e', DUCKDB_RESAMPLE]).stdout.trim());
if (duckResample.rows !== hourly.ts.length)
  throw new Error(`1h buckets differ: duckdb ${duckResample.rows}, buff ${hourly.ts.length}`);

const buff = median(buffTimes);
const duck = median(duckTimes);
const ours = median(resampleTimes);
const theirs = median(duckResample.times);
const size = statSync(CSV).size;
const lines = [
  '## Ingest (bench/ingest.mjs)',
  '',
  `${ROWS.toLocaleString('en-US')}-row 1m CSV (${(size / 2 ** 20).toFixed(1)} MiB), whole processes alternating, median of ${RUNS} after one warm-up each.`,
  '',
  '| measure | Buff | DuckDB | ratio | target |',
  '|---|---|---|---|---|',
  `| \`buff ingest csv\` (parse, every rule, Arrow + dataset.json) vs DuckDB \`read_csv\` into a table | ${fmt(buff)} | ${fmt(duck)} | ${(buff / duck).toFixed(2)}x | <= 0.8x |`,
  `| of which process floor: the same command on a one-row CSV | ${fmt(median(floorTimes))} | | | |`,
  `| resample 1M bars to 1h in memory vs DuckDB \`time_bucket\` group-by | ${ours.toFixed(1)} ms | ${theirs.toFixed(1)} ms | ${(ours / theirs).toFixed(3)}x | <= 0.1x |`,
  `| peak RSS of the ingest process | ${rssMb === undefined ? 'n/a' : `${rssMb.toFixed(0)} MB`} | | | <= 300 MB |`,
  '',
  `Runs (s): Buff ${buffTimes.map((t) => (t / 1000).toFixed(3)).join(', ')}; DuckDB ${duckTimes.map((t) => (t / 1000).toFixed(3)).join(', ')}.`,
  `Quietest runs: Buff ${fmt(Math.min(...buffTimes))}, DuckDB ${fmt(Math.min(...duckTimes))} (${(Math.min(...buffTimes) / Math.min(...duckTimes)).toFixed(2)}x); the machine may be shared.`,
  `Peak RSS measured with ${rssMethod}.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
