// `npm run soak`: a 72-hour observation replayed in accelerated time through the real (built) `buff dryrun`
// process, notifications to a webhook receiver on loopback, a SIGKILL in the middle and a resume. Checks:
// no crash besides the planned kill, RSS growth between hour 12 and hour 72 under 10%, every bar handled once,
// every emitted high-tier signal notified once (none lost, none duplicated), the FTMO daily-loss block,
// and the observation summary's reconciliation. Records its figures in bench/RESULTS.md (`--no-record`: not).
//   node scripts/soak.mjs [--hours 72] [--sleep-seconds 0.005] [--kill-at 0.5]
//                         [--daily-loss-pct 0.5] [--data-root D --models-root M --symbol S --since ISO]  (else it trains its own model)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { collectSoakFigures, startReceiver } from './soak/soak-checks.mjs';

const { values: opt } = parseArgs({
  options: {
    hours: { type: 'string', default: '72' },
    'sleep-seconds': { type: 'string', default: '0.005' },
    'kill-at': { type: 'string', default: '0.5' },
    'daily-loss-pct': { type: 'string', default: '0.5' },
    'data-root': { type: 'string' },
    'models-root': { type: 'string' },
    symbol: { type: 'string', default: 'SOAK-SIG' },
    since: { type: 'string', default: '2024-01-01T00:00:00Z' },
    'no-record': { type: 'boolean', default: false },
  },
});
const BIN = new URL('../packages/cli/bin/buff.js', import.meta.url).pathname;
const hours = Number(opt.hours);
const work = mkdtempSync(join(tmpdir(), 'buff-soak-'));
const roots = {
  data: opt['data-root'] ?? join(work, 'data'),
  models: opt['models-root'] ?? join(work, 'models'),
  runs: join(work, 'runs'),
  reports: join(work, 'reports'),
};
const rootArgs = ['--runs-root', roots.runs, '--data-root', roots.data, '--models-root', roots.models];

function buff(args, env = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, BUFF_LOG_LEVEL: 'warn', ...env },
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`buff ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

/** A CI-sized LSTM on planted-signal bars, promoted as `sig` (the dry-run tests' fixture recipe). */
function prepareModel() {
  const days = String(Math.max(4, Math.ceil(hours / 24) + 1)); // 4 days: the tests' fixture recipe, which passes the gates
  buff([
    'data',
    'synth',
    '--symbol',
    opt.symbol,
    '--days',
    days,
    '--seed',
    '1',
    '--signal',
    '1',
    '--data-root',
    roots.data,
  ]);
  const trained = buff(
    ['train', '--model', 'lstm', '--symbol', opt.symbol, '--units', '8', '--epochs', '4', '--window', '16'].concat(
      ['--features', 'ret_1,ret_5', '--train-frac', '0.5', '--val-frac', '0.2', '--learning-rate', '0.02'],
      ['--batch-size', '128', '--patience', '3', '--data-root', roots.data, '--models-root', roots.models],
    ),
  );
  buff([
    'evaluate',
    '--model',
    trained.modelDir,
    '--data-root',
    roots.data,
    '--min-accuracy',
    '0.6',
    '--max-calibration-error',
    '0.1',
    '--reports-root',
    join(work, 'eval-reports'),
  ]);
  buff(['promote', '--model', trained.modelDir, '--name', 'sig', '--models-root', roots.models, '--actor', 'soak']);
}

function writeConfig() {
  const since = new Date(Date.parse(opt.since)).toISOString();
  const until = new Date(Date.parse(opt.since) + hours * 3_600_000).toISOString();
  const path = join(work, 'soak.yml');
  // ftmo-2step with a tight daily loss limit (0.5% of capital): a losing day is blocked until midnight Prague
  writeFileSync(
    path,
    [
      'name: soak',
      'strategy: { name: model-signal, params: { model: { name: sig } } }',
      `symbols: [${opt.symbol}]`,
      'timeframe: 1m',
      `window: { since: "${since}", until: "${until}" }`,
      'allowShort: true',
      `guardrails: { preset: ftmo-2step, maxDailyLossPct: ${Number(opt['daily-loss-pct'])} }`,
      '',
    ].join('\n'),
  );
  return path;
}

/** Runs `buff dryrun ARGS`, sampling its RSS and the journal's length; kills it at `killAtBars`. */
function runSampled(args, env, samples, killAtBars) {
  const child = spawn(process.execPath, [BIN, 'dryrun', ...args, ...rootArgs, '--json'], {
    env: { ...process.env, BUFF_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const timer = setInterval(() => {
    const rss = rssOf(child.pid);
    const bars = journalLines();
    if (rss !== undefined && bars > 0) samples.push({ bars, rss, pid: child.pid });
    if (killAtBars !== undefined && bars >= killAtBars) child.kill('SIGKILL');
  }, 100);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}

function rssOf(pid) {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

function sessionId() {
  const ids = readdirSync(join(roots.runs, 'dryrun')).filter((n) => n.startsWith('dry-'));
  return ids[0];
}

function journalLines() {
  try {
    const id = sessionId();
    const text = readFileSync(join(roots.runs, 'dryrun', id, 'signals.journal'), 'utf8');
    return text.split('\n').length - 1;
  } catch {
    return 0;
  }
}

async function main() {
  const started = Date.now();
  if (!opt['models-root']) prepareModel();
  const config = writeConfig();
  const receiver = await startReceiver();
  const env = { BUFF_WEBHOOK_URL: `${receiver.url}/hook`, BUFF_WEBHOOK_SECRET: 'soak-secret' };
  const total = hours * 60;
  const samples = [];
  const pace = ['--sleep-seconds', opt['sleep-seconds']];
  const first = await runSampled(
    ['--config', config, ...pace],
    env,
    samples,
    Math.floor(total * Number(opt['kill-at'])),
  );
  const id = sessionId();
  const second = await runSampled(['--session', id, ...pace], env, samples, undefined);
  await receiver.settle();
  const report = buff(['observe', 'report', '--session', id, ...rootArgs, '--reports-root', roots.reports]);
  const figures = await collectSoakFigures({
    hours,
    total,
    samples,
    first,
    second,
    runsRoot: roots.runs,
    id,
    received: receiver.received,
    report,
    seconds: (Date.now() - started) / 1000,
  });
  await receiver.close();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (!opt['no-record']) record(figures);
  rmSync(work, { recursive: true, force: true });
  if (!figures.passed) process.exitCode = 1;
}

/** bench/results/soak.md, and the same section in bench/RESULTS.md. */
function record(f) {
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}, Node ${process.version}`;
  const mb = (b) => (b / 2 ** 20).toFixed(1);
  const lines = [
    '## Soak: 72 h dry run in accelerated time (`npm run soak`)',
    '',
    `${f.hours} h of 1m bars (${f.total} bars), one symbol, replay feed through the built \`buff dryrun\`, webhook`,
    `notifications to a receiver on loopback, SIGKILL at bar ${f.killedAt}, then \`--session\` resume. ${f.seconds.toFixed(0)} s wall.`,
    `Machine: ${machine}; load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}.`,
    '',
    '| check | figure | result |',
    '| --- | --- | --- |',
    ...f.checks.map((c) => `| ${c.name} | ${c.figure} | ${c.pass ? 'pass' : 'FAIL'} |`),
    '',
    `RSS: hour ${f.rss.earlyHours} median ${mb(f.rss.early)} MiB, hour ${f.rss.lateHours} median ${mb(f.rss.late)} MiB (growth ${(f.rss.growth * 100).toFixed(1)}%, ${f.rss.samples} samples).`,
  ];
  const text = `${lines.join('\n')}\n\n_Measured ${new Date().toISOString()}._\n`;
  writeFileSync('bench/results/soak.md', text);
  // only the soak's own section of RESULTS.md is replaced (or appended): every other bench's figures stay as recorded
  const results = readFileSync('bench/RESULTS.md', 'utf8');
  const start = results.indexOf('\n## Soak:');
  const end = start < 0 ? -1 : results.indexOf('\n## ', start + 1);
  const before = start < 0 ? results.trimEnd() : results.slice(0, start).trimEnd();
  const after = start < 0 || end < 0 ? '' : `\n${results.slice(end).trim()}`;
  writeFileSync('bench/RESULTS.md', `${before}\n\n${text.trim()}\n${after ? `${after}\n` : ''}`);
  process.stderr.write('soak: wrote bench/results/soak.md and bench/RESULTS.md\n');
}

await main();
