// Resample and export at scale (issue 18, read side): the built `buff resample --timeframe 5m` and
// `buff data export --format csv` on 1m tables stored in 2^17-row record batches (the layout a
// streaming write gives), each whole process under /usr/bin/time -v (wall time, peak RSS), against
// a one-shot reference in the same run: a node process doing what these commands did before they
// streamed (the whole file read, tableFromIPC, resample / barsToCsv of every bar, one write).
// Figures: peak RSS per table size (streaming should stay flat as the table grows; the reference
// grows with it) and the time ratio streaming / one-shot.
// BENCH_READERS_ROWS (comma list, default 1000000,4000000). Needs `npm run build`. Prints a markdown section.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table, tableToIPC } from 'apache-arrow';
import { canonicalJsonPretty, sha256Hex } from '@buff/core';
import { barsToTable, synthesizeBars, writeDataset } from '@buff/ingest';
import { REPO, timedRun } from './lib/reference.mjs';

const SIZES = (process.env.BENCH_READERS_ROWS ?? '1000000,4000000').split(',').map(Number);
const BATCH_ROWS = 2 ** 17;
const CLI = join(REPO, 'packages/cli/bin/buff.js');
if (!existsSync(join(REPO, 'packages/cli/dist/index.cjs'))) throw new Error('build first: npm run build');
if (!existsSync('/usr/bin/time')) throw new Error('needs /usr/bin/time (GNU time) for the peak RSS of whole processes');

function measured(args) {
  const run = timedRun(['/usr/bin/time', '-v', ...args], { BUFF_LOG_LEVEL: 'warn' });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  if (!rss) throw new Error(`no peak RSS in /usr/bin/time's output:\n${run.stderr}`);
  return { s: run.ms / 1000, rssMb: Number(rss[1]) / 1024 };
}

/** Stores `rows` synthetic 1m bars as SYM's 1m table in 2^17-row record batches; returns the file size. */
async function storeBatched(dataRoot, rows) {
  const bars = synthesizeBars({ days: rows / 1440, seed: 11, symbol: 'SYM' });
  await writeDataset(dataRoot, { symbol: 'SYM', timeframe: '1m', bars, source: { kind: 'synthetic' } });
  const dir = join(dataRoot, 'SYM');
  const manifest = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8'));
  const whole = barsToTable(bars);
  const batches = [];
  for (let at = 0; at < whole.numRows; at += BATCH_ROWS) batches.push(...whole.slice(at, at + BATCH_ROWS).batches);
  const bytes = tableToIPC(new Table(batches), 'file');
  const contentId = sha256Hex(bytes);
  const file = `1m.${contentId.slice(0, 16)}.arrow`;
  writeFileSync(join(dir, file), bytes);
  rmSync(join(dir, manifest.tables['1m'].file));
  manifest.tables['1m'] = { ...manifest.tables['1m'], file, contentId, bytes: bytes.length };
  writeFileSync(join(dir, 'dataset.json.tmp'), `${canonicalJsonPretty(manifest)}\n`);
  renameSync(join(dir, 'dataset.json.tmp'), join(dir, 'dataset.json'));
  return { bytes: bytes.length, path: join(dir, file) };
}

/** argv of the one-shot reference: `what` = resample (to a 5m Arrow file) or csv, of the whole file at once. */
function oneShotArgs(what, table, out) {
  const script = `
    import { readFileSync, writeFileSync } from 'node:fs';
    import { tableFromIPC, tableToIPC } from 'apache-arrow';
    import { barsToCsv, barsToTable, resample, tableToBars } from '@buff/ingest';
    const bars = tableToBars(tableFromIPC(readFileSync(${JSON.stringify(table)})));
    writeFileSync(${JSON.stringify(out)}, ${what === 'csv' ? 'barsToCsv(bars)' : "tableToIPC(barsToTable(resample(bars, '5m')), 'file')"});`;
  return [process.execPath, '--input-type=module', '-e', script];
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

const lines = [
  '## resample and export (issue 18, read side)',
  '',
  `Built \`buff\` (whole processes, /usr/bin/time -v) on 1m tables in 2^17-row record batches; one-shot = a node process reading the whole file and resampling / formatting every bar at once (what these commands did before). Load average before: ${load()}.`,
  '',
  '| rows | table MB | command | streaming s | streaming peak RSS MB | one-shot s | one-shot peak RSS MB | time ratio |',
  '|---:|---:|---|---:|---:|---:|---:|---:|',
];
for (const rows of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'buff-bench-readers-'));
  try {
    const dataRoot = join(dir, 'data');
    const table = await storeBatched(dataRoot, rows);
    const base = [process.execPath, CLI];
    const cases = [
      [
        'resample 1m->5m',
        [...base, 'resample', '--symbol', 'SYM', '--timeframe', '5m', '--data-root', dataRoot],
        'resample',
      ],
      [
        'data export csv',
        [
          ...base,
          'data',
          'export',
          '--symbol',
          'SYM',
          '--format',
          'csv',
          '--out',
          join(dir, 'o.csv'),
          '--data-root',
          dataRoot,
        ],
        'csv',
      ],
    ];
    for (const [name, args, what] of cases) {
      const streaming = measured(args);
      const oneShot = measured(oneShotArgs(what, table.path, join(dir, `ref.${what}`)));
      lines.push(
        `| ${rows.toLocaleString('en')} | ${(table.bytes / 2 ** 20).toFixed(0)} | ${name} | ${streaming.s.toFixed(2)} | ${streaming.rssMb.toFixed(0)} | ${oneShot.s.toFixed(2)} | ${oneShot.rssMb.toFixed(0)} | ${(streaming.s / oneShot.s).toFixed(2)}x |`,
      );
      process.stderr.write(`${lines[lines.length - 1]}\n`);
    }
    const baseline = measured([...base, 'data', 'list', '--data-root', dataRoot]);
    lines.push(
      `| ${rows.toLocaleString('en')} | | baseline \`buff data list\` | ${baseline.s.toFixed(2)} | ${baseline.rssMb.toFixed(0)} | | | |`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
lines.push('', `Load average after: ${load()}.`);
console.log(lines.join('\n'));
