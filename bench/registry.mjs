// Registry speed (issue 4): 100,000 registered runs.
//   cold open of the fs registry (journal replay; and from a compacted snapshot) <= 1 s
//   a filtered, paged list, median <= 20 ms (fs and postgres)
//   registering with fsync >= 200 runs/s
// Imports the built packages (npm run build). Prints a markdown section.
import { execFileSync, spawnSync } from 'node:child_process';
import { startPostgres } from './lib/pg.mjs';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REGISTRY = fileURLToPath(new URL('../packages/registry/dist/index.js', import.meta.url));
const { openFsDriver, openPgDriver, openRunRegistry } = await import(REGISTRY);
const { fakeRunId, writeFakeRun } = await import(REGISTRY.replace(/index\.js$/, 'testing.js'));

const N = Number(process.env.BENCH_REGISTRY_RUNS ?? 100_000);
const STRATEGIES = [
  'ma-cross',
  'rsi',
  'breakout',
  'model-signal',
  'mean-rev',
  'momentum',
  'pairs',
  'grid',
  'dca',
  'trend',
];
const SYMBOLS = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'XRP-USD', 'ADA-USD'];
const TIMEFRAMES = ['1m', '5m', '1h', '1d'];
const QUERY = {
  strategy: 'breakout',
  symbol: 'SOL-USD',
  timeframe: '1h',
  sort: 'createdAt',
  order: 'desc',
  limit: 50,
  offset: 100,
};

function recordFor(i) {
  const id = fakeRunId(`bench-${i}`);
  return {
    id,
    record: {
      id,
      name: `bench run ${i}`,
      strategy: STRATEGIES[i % 10],
      symbols: [SYMBOLS[i % 5], ...(i % 3 === 0 ? [SYMBOLS[(i + 1) % 5]] : [])],
      timeframe: TIMEFRAMES[i % 4],
      window: { since: '2024-01-01T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z' },
      createdAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      status: 'completed',
      metrics: {
        totalReturn: ((i * 7919) % 1000) / 1000 - 0.5,
        sharpe: ((i * 104729) % 400) / 100 - 2,
        maxDrawdown: (i % 50) / 100,
        tradeCount: i % 300,
      },
      tags: i % 100 === 0 ? ['baseline'] : [],
      legacy: false,
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs) => Math.min(...xs);
async function timeList(list, rounds = 60) {
  const times = [];
  let total = 0;
  for (let i = 0; i < rounds; i += 1) {
    const t = performance.now();
    total = (await list()).total;
    times.push(performance.now() - t);
  }
  return { median: median(times.slice(5)), best: best(times.slice(5)), total };
}

function coldOpen(root) {
  const script = `const t=performance.now();const {openRunRegistry}=await import(${JSON.stringify(REGISTRY)});const r=await openRunRegistry({runsRoot:${JSON.stringify(root)}});const open=performance.now()-t;const {total}=await r.list({limit:1});process.stdout.write(JSON.stringify({open,total}));`;
  const runs = [0, 1, 2].map(() =>
    JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })),
  );
  return { open: median(runs.map((r) => r.open)), best: best(runs.map((r) => r.open)), total: runs[0].total };
}

const root = mkdtempSync(join(tmpdir(), 'buff-bench-registry-'));
const results = {};
try {
  // the index of N runs, written through the driver's API (bulk) as one journal; the run
  // folders exist (empty: opening only lists their names) so reconciliation keeps every entry
  const entries = Array.from({ length: N }, (_, i) => recordFor(i));
  for (const { id } of entries) mkdirSync(join(root, id));
  const driver = openFsDriver({ root, compactAfter: Number.POSITIVE_INFINITY });
  for (let i = 0; i < N; i += 10_000) await driver.putMany('runs', entries.slice(i, i + 10_000));
  await driver.close();
  results.coldJournal = coldOpen(root);

  const registry = await openRunRegistry({ runsRoot: root });
  results.fsList = await timeList(() => registry.list(QUERY));

  // register real runs with fsync into the same (N-run) registry
  // (the first publish also compacts the N-line journal into a snapshot: counted, and shown)
  const REGISTER = 400;
  const publishMs = [];
  const t = performance.now();
  for (let i = 0; i < REGISTER; i += 1) {
    const t0 = performance.now();
    const id = fakeRunId(`bench-new-${i}`);
    const staging = await registry.createStaging(id);
    writeFakeRun(staging, id);
    await registry.publish(id, staging);
    publishMs.push(performance.now() - t0);
  }
  results.registerPerSec = REGISTER / ((performance.now() - t) / 1000);
  results.publishMs = { median: median(publishMs), max: Math.max(...publishMs) };
  await registry.close();

  const compactor = openFsDriver({ root });
  await compactor.replaceAll(
    'runs',
    (await compactor.list('runs', { limit: Number.MAX_SAFE_INTEGER })).items.map((r) => ({ id: r.id, record: r })),
  );
  await compactor.close();
  results.coldSnapshot = coldOpen(root);

  results.pg = await benchPostgres(entries, root);
} finally {
  removeTree(root);
}

/** One `rm -rf` child: much faster than rmSync over N folders. */
function removeTree(dir) {
  if (spawnSync('rm', ['-rf', dir]).status !== 0) rmSync(dir, { recursive: true, force: true });
}

async function benchPostgres(entries, runsRoot) {
  const server = await startPostgres();
  if (!server) return { skipped: 'no PostgreSQL server binaries (initdb/pg_ctl) found and BUFF_TEST_PG_URL unset' };
  try {
    const driver = await openPgDriver({ url: server.url });
    const t = performance.now();
    await driver.replaceAll('runs', entries);
    const loadSeconds = (performance.now() - t) / 1000;
    await driver.close();
    // the same run folders; the postgres registry holds the N bench records (+ reconciles the 400 registered ones)
    const registry = await openRunRegistry({ runsRoot, driver: 'postgres', pgUrl: server.url });
    const list = await timeList(() => registry.list(QUERY));
    await registry.close();
    return { list, loadSeconds };
  } finally {
    server.stop();
  }
}

const ms = (x) => `${x.toFixed(1)} ms`;
const pass = (ok) => (ok ? 'yes' : '**no**');
const lines = [
  '## Registry (issue 4)',
  '',
  `${N.toLocaleString('en-US')} registered runs; list query: strategy=breakout, symbol=SOL-USD, timeframe=1h, newest first, limit 50, offset 100 (${results.fsList.total} matches).`,
  'Figures are medians on a possibly loaded machine; best = fastest single measurement in the same run.',
  '',
  '| measure | figure (median) | best | target | met |',
  '|---|---|---|---|---|',
  `| fs cold open, journal replay of ${N.toLocaleString('en-US')} lines (new process incl. module import, 3 runs) | ${ms(results.coldJournal.open)} | ${ms(results.coldJournal.best)} | <= 1000 ms | ${pass(results.coldJournal.open <= 1000)} |`,
  `| fs cold open, compacted snapshot (3 runs) | ${ms(results.coldSnapshot.open)} | ${ms(results.coldSnapshot.best)} | <= 1000 ms | ${pass(results.coldSnapshot.open <= 1000)} |`,
  `| fs filtered paged list (55 runs) | ${ms(results.fsList.median)} | ${ms(results.fsList.best)} | <= 20 ms | ${pass(results.fsList.median <= 20)} |`,
  `| register with fsync (staging, fsync, rename, journal; 400 runs incl. the first one's compaction of the journal, ${ms(results.publishMs.max)}; median publish ${ms(results.publishMs.median)}) | ${results.registerPerSec.toFixed(0)} runs/s | - | >= 200 runs/s | ${pass(results.registerPerSec >= 200)} |`,
  results.pg.skipped
    ? `| postgres filtered paged list | skipped: ${results.pg.skipped} | - | <= 20 ms | - |`
    : `| postgres filtered paged list (55 runs; ${results.pg.list.total} matches; bulk load ${results.pg.loadSeconds.toFixed(1)} s) | ${ms(results.pg.list.median)} | ${ms(results.pg.list.best)} | <= 20 ms | ${pass(results.pg.list.median <= 20)} |`,
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);
