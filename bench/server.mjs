// Load on `buff serve` over loopback (issue 5): 10,000 registered runs, then autocannon against
// GET /api/runs (filtered, sorted, paged) and GET /runs, 50 connections for 20 s each. Prints a
// markdown section with requests/s and latency percentiles; target API p99 <= 50 ms. A third row
// repeats the API with the listing micro-cache off, so the registry-bound cost is on record too.
// BENCH_SERVER_RUNS and BENCH_SERVER_SECONDS change the sizes.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_SERVER_RUNS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SERVER_SECONDS ?? 20);
const CONNECTIONS = 50;
const root = process.env.BENCH_SERVER_ROOT ?? join(REPO, 'bench', 'tmp', `server-${process.pid}`);
const runsRoot = join(root, 'runs');
const dataRoot = join(root, 'data');

/** Deterministic pseudo-random numbers (mulberry32). */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes RUNS complete run folders (manifest + metrics), as the builder publishes them. */
function writeRunFolders() {
  const rand = prng(7);
  const strategies = ['sma-cross', 'rsi-reversion', 'donchian-breakout'];
  const timeframes = ['15m', '1h', '4h', '1d'];
  const symbols = [['BTC-USD'], ['ETH-USD'], ['BTC-USD', 'ETH-USD']];
  const base = Date.parse('2024-01-01T00:00:00Z');
  for (let i = 0; i < RUNS; i++) {
    const id = `run-${createHash('sha256').update(`bench-${i}`).digest('hex').slice(0, 16)}`;
    const dir = join(runsRoot, id);
    mkdirSync(dir, { recursive: true });
    const metrics = JSON.stringify({
      totalReturn: rand() - 0.4,
      sharpe: rand() * 4 - 1,
      maxDrawdown: -rand() * 0.3,
      tradeCount: Math.floor(rand() * 200),
    });
    writeFileSync(join(dir, 'metrics.json'), metrics);
    const manifest = {
      schemaVersion: 1,
      id,
      config: {
        name: `bench run ${i}`,
        strategy: { name: strategies[i % 3], params: {} },
        symbols: symbols[i % 3],
        timeframe: timeframes[i % 4],
        window: {
          since: new Date(base).toISOString(),
          until: new Date(base + 86_400_000 * (10 + (i % 80))).toISOString(),
        },
      },
      inputs: [],
      engineVersion: 'bench',
      packages: {},
      artifacts: [
        {
          file: 'metrics.json',
          sha256: createHash('sha256').update(metrics).digest('hex'),
          bytes: Buffer.byteLength(metrics),
        },
      ],
    };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const created = new Date(base + i * 60_000);
    utimesSync(dir, created, created);
  }
}

/** Indexes the folders through the registry API (opening reconciles the index with the folders), in a tsx child. */
function indexRuns() {
  const script = `import { openRunRegistry } from '@buff/registry';
const reg = await openRunRegistry({ runsRoot: ${JSON.stringify(runsRoot)}, create: true });
const { total } = await reg.list({ limit: 1 });
await reg.close();
console.log(total);`;
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) =>
      code === 0 ? resolve(Number(out.trim())) : reject(new Error(`indexing failed with ${code}`)),
    );
  });
}

function startServe(extraEnv = {}) {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      join(REPO, 'packages/cli/src/bin.ts'),
      'serve',
      '--json',
      '--port',
      '0',
      '--runs-root',
      runsRoot,
      '--data-root',
      dataRoot,
    ],
    {
      cwd: REPO,
      env: { ...process.env, BUFF_LOG_LEVEL: 'warn', ...extraEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('buff serve did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`buff serve exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, url: JSON.parse(line).url });
      }
    });
  });
}

function load(url, seconds = SECONDS) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: seconds }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

rmSync(root, { recursive: true, force: true });
mkdirSync(dataRoot, { recursive: true });
const t0 = performance.now();
writeRunFolders();
const indexed = await indexRuns();
const setupSeconds = (performance.now() - t0) / 1000;
const apiPath = '/api/runs?strategy=sma-cross&timeframe=1h&sort=sharpe&order=desc&limit=50&offset=100';
const targets = [
  ['GET /api/runs (strategy+timeframe filter, sort by sharpe, page 3 of 50)', apiPath, {}],
  ['GET /runs (HTML, strategy filter, 50 rows)', '/runs?strategy=rsi-reversion&limit=50', {}],
  [
    'GET /api/runs, listing cache off (BUFF_LIST_CACHE_MS=0): every request queries the registry',
    apiPath,
    { BUFF_LIST_CACHE_MS: '0' },
  ],
];
const rows = [];
for (const [label, path, env] of targets) {
  const { child, url } = await startServe(env);
  try {
    const probe = await fetch(url + path);
    if (probe.status !== 200) throw new Error(`${label}: status ${probe.status}`);
    await load(url + path, 2); // warm-up (JIT, caches), not counted
    const r = await load(url + path);
    rows.push({
      label,
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      max: r.latency.max,
      total: r.requests.total,
      errors: r.errors + r.timeouts,
      non2xx: r.non2xx,
    });
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
if (!process.env.BENCH_SERVER_KEEP) rmSync(root, { recursive: true, force: true });

console.log('## Server (buff serve, loopback)\n');
console.log(
  `${indexed} registered runs (folders written and indexed in ${setupSeconds.toFixed(1)} s); autocannon, ${CONNECTIONS} connections, ${SECONDS} s per endpoint.\n`,
);
console.log('| endpoint | req/s | p50 ms | p99 ms | max ms | requests | errors | non-2xx |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.label} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.max} | ${r.total} | ${r.errors} | ${r.non2xx} |`,
  );
const api = rows[0];
console.log(
  `\nAPI p99 ${api.p99} ms vs target 50 ms: ${api.p99 <= 50 ? 'met' : 'NOT met'}. Listings are served from a 1 s micro-cache by default (runs this server creates clear it); the last row shows the registry-bound cost without it.`,
);
