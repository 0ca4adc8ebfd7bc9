// `npm run soak`: a 72-hour observation of several symbols replayed in accelerated time through the real (built)
// `buff dryrun` process, notifications to a webhook receiver and to the notifier tests' fake Telegram Bot API on
// loopback (config `notify: { telegram: true, webhook: true }`), a SIGKILL in the middle and a resume. Checks:
// no crash besides the planned kill, RSS growth between hour 12 and hour 72 under 10%, every bar handled once,
// every emitted high-tier signal notified once on each channel (none lost, none duplicated), the FTMO daily-loss
// block held through midnight Europe/Prague and notified once per symbol and day, and the observation summary
// (reconciliation and criteria). Writes bench/results/soak.md (`--no-record`: not); `node bench/run.mjs soak`
// then rebuilds bench/RESULTS.md from bench/results/*.md (it runs no bench: there is no bench/soak*.mjs).
//   node scripts/soak.mjs [--hours 72] [--symbols 3] [--sleep-seconds 0.005] [--kill-at 0.5] [--daily-loss-pct 0.5]
//                         [--data-root D --models-root M --symbol S --since ISO]  (else it trains its own model)
//                         [--keep]  (leave the work folder: runs, reports, data)
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { collectSoakFigures, startReceiver } from './soak/soak-checks.mjs';

/** The notifier tests' fake Telegram Bot API (TypeScript, loaded through tsx). */
const { startFakeBotApi } = await tsImport(
  '../packages/engine/src/notify/test-support/fake-bot-api.ts',
  import.meta.url,
);

/** The engine's record of a planned kill (TypeScript, loaded through tsx like the fake Bot API). */
const { recordPlannedKill } = await tsImport('../packages/engine/src/observe/planned-kills.ts', import.meta.url);

const { values: opt } = parseArgs({
  options: {
    hours: { type: 'string', default: '72' },
    'sleep-seconds': { type: 'string', default: '0.005' },
    'kill-at': { type: 'string', default: '0.5' },
    'daily-loss-pct': { type: 'string', default: '0.5' },
    'data-root': { type: 'string' },
    'models-root': { type: 'string' },
    symbol: { type: 'string', default: 'SOAK-SIG' },
    symbols: { type: 'string', default: '3' },
    since: { type: 'string', default: '2024-01-01T00:00:00Z' },
    'no-record': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const BIN = new URL('../packages/cli/bin/buff.js', import.meta.url).pathname;
const hours = Number(opt.hours);
/** The first symbol carries the trained model; the others are planted-signal bars of other seeds. */
const symbols = Array.from({ length: Number(opt.symbols) }, (_, i) => (i === 0 ? opt.symbol : `${opt.symbol}${i + 1}`));
const days = String(Math.max(4, Math.ceil(hours / 24) + 1)); // 4 days: the tests' fixture recipe, which passes the gates
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

function synth(symbol, seed) {
  buff(
    ['data', 'synth', '--symbol', symbol, '--days', days, '--seed', String(seed), '--signal', '1'].concat([
      '--data-root',
      roots.data,
    ]),
  );
}

/** A CI-sized LSTM on planted-signal bars, promoted as `sig` (the dry-run tests' fixture recipe). */
function prepareModel() {
  synth(opt.symbol, 1);
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
      `symbols: [${symbols.join(', ')}]`,
      'timeframe: 1m',
      `window: { since: "${since}", until: "${until}" }`,
      'allowShort: true',
      `guardrails: { preset: ftmo-2step, maxDailyLossPct: ${Number(opt['daily-loss-pct'])} }`,
      'notify: { telegram: true, webhook: true }',
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
  let planned = false;
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const timer = setInterval(() => {
    const rss = rssOf(child.pid);
    const bars = journalLines();
    if (rss !== undefined && bars > 0) samples.push({ bars, rss, pid: child.pid });
    if (killAtBars !== undefined && bars >= killAtBars && !planned) {
      // recorded before the kill: the observation summary tells this death from a crash
      planned = true;
      recordPlannedKill(join(roots.runs, 'dryrun', sessionId()), {
        pid: child.pid,
        reason: 'soak: the planned SIGKILL',
      });
      child.kill('SIGKILL');
    }
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

/** Lines in the session's journal, counted incrementally (only the bytes appended since the last call are read). */
const counted = { offset: 0, lines: 0 };
function journalLines() {
  try {
    const fd = openSync(join(roots.runs, 'dryrun', sessionId(), 'signals.journal'), 'r');
    try {
      const chunk = Buffer.alloc(1 << 16);
      for (let n; (n = readSync(fd, chunk, 0, chunk.length, counted.offset)) > 0; counted.offset += n)
        for (let i = 0; i < n; i++) if (chunk[i] === 10) counted.lines++;
    } finally {
      closeSync(fd);
    }
    return counted.lines;
  } catch {
    return counted.lines;
  }
}

async function main() {
  const started = Date.now();
  if (!opt['models-root']) prepareModel();
  symbols.slice(1).forEach((symbol, i) => synth(symbol, i + 2));
  const config = writeConfig();
  const receiver = await startReceiver();
  const telegram = await startFakeBotApi();
  const env = {
    BUFF_WEBHOOK_URL: `${receiver.url}/hook`,
    BUFF_WEBHOOK_SECRET: 'soak-secret',
    BUFF_TELEGRAM_TOKEN: telegram.token,
    BUFF_TELEGRAM_CHAT_ID: telegram.chatId,
    BUFF_TELEGRAM_API_ROOT: telegram.url,
  };
  const total = hours * 60 * symbols.length;
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
    symbols,
    total,
    samples,
    first,
    second,
    runsRoot: roots.runs,
    id,
    received: receiver.received,
    telegramTexts: telegram.shownTexts(),
    report,
    seconds: (Date.now() - started) / 1000,
  });
  await receiver.close();
  await telegram.close();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  if (!opt['no-record']) record(figures);
  if (opt.keep) process.stderr.write(`soak: kept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
  if (!figures.passed) process.exitCode = 1;
}

/** bench/results/soak.md (`node bench/run.mjs soak` rebuilds bench/RESULTS.md from bench/results/). */
function record(f) {
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}, Node ${process.version}`;
  const mb = (b) => (b / 2 ** 20).toFixed(1);
  const lines = [
    '## Soak: 72 h dry run in accelerated time (`npm run soak`)',
    '',
    `${f.hours} h of 1m bars of ${f.symbols.length} symbols (${f.symbols.join(', ')}; ${f.total} bars), replay feed through the`,
    `built \`buff dryrun\`, notifications to a webhook receiver and a fake Telegram Bot API on loopback, SIGKILL at bar ${f.killedAt},`,
    `then \`--session\` resume. ${f.seconds.toFixed(0)} s wall. Machine: ${machine}; load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}.`,
    '',
    '| check | figure | result |',
    '| --- | --- | --- |',
    ...f.checks.map((c) => `| ${c.name} | ${c.figure} | ${c.pass ? 'pass' : 'FAIL'} |`),
    '',
    `RSS: hour 12 ${mb(f.rss.atHour12)} MiB, hour 72 ${mb(f.rss.atHour72)} MiB; hour ${f.rss.earlyHours} median ${mb(f.rss.early)} MiB, hour ${f.rss.lateHours} median ${mb(f.rss.late)} MiB (growth ${(f.rss.growth * 100).toFixed(1)}%, ${f.rss.samples} samples, every 100 ms).`,
    `Inside each process (the same windows scaled to its span): ${f.rss.processes
      .map((p) => `hours ${p.hours}: ${mb(p.early)} -> ${mb(p.late)} MiB (${(p.growth * 100).toFixed(1)}%)`)
      .join('; ')}.`,
    `Notifications delivered: ${Object.entries(f.delivered)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}.`,
    '',
    'Observation summary criteria:',
    '',
    ...f.criteria.map((c) => `- ${c.pass ? 'pass' : 'FAIL'}: ${c.name}: ${c.figures}`),
  ];
  const text = `${lines.join('\n')}\n\n_Measured ${new Date().toISOString()}._\n`;
  writeFileSync('bench/results/soak.md', text);
  process.stderr.write('soak: wrote bench/results/soak.md (node bench/run.mjs soak rebuilds bench/RESULTS.md)\n');
}

await main();
