// `npm run demo`: Buff's main job on an embedded default, end to end, with the built CLI.
// Synthesize 1m candles, export them to CSV and ingest that CSV strictly, resample, list the
// inventory, build and validate the demo run; then train, evaluate and promote a CI-sized LSTM on
// planted-signal bars, ingest the shipped real candles and replay a day of them through `buff dryrun`
// (configs/dryrun_demo.yml, in scripts/demo-dryrun.mjs, started at once beside the rest: the two use
// different symbols, and the dry run waits on fsync more than on the CPU); then serve the
// UI at http://localhost:3000/runs (and /dryrun). Pass --no-serve to stop after both (used by tests).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const dataRoot = process.env.DATA_ROOT ?? join(root, 'data');
const runsRoot = process.env.RUNS_ROOT ?? join(root, 'runs');
const serve = !process.argv.includes('--no-serve');
const port = process.env.PORT ?? '3000';
const cli = join(root, 'packages/cli/bin/buff.js');

function buff(args, { capture = false } = {}) {
  process.stdout.write(`\n$ buff ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], {
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });
  if (capture && result.stdout) process.stdout.write(result.stdout);
  if (result.status !== 0) {
    process.stderr.write(`demo: "buff ${args[0]} ${args[1] ?? ''}" failed with exit code ${result.status}\n`);
    process.exit(result.status ?? 1);
  }
  return result.stdout ?? '';
}

mkdirSync(join(root, 'reports'), { recursive: true });
const dryLogDir = mkdtempSync(join(tmpdir(), 'buff-demo-'));
const dryLog = openSync(join(dryLogDir, 'dryrun.log'), 'w');
const dryChild = spawn(process.execPath, [join(root, 'scripts/demo-dryrun.mjs')], {
  stdio: ['ignore', dryLog, dryLog],
});
const dryDone = new Promise((resolve) => dryChild.on('close', (code, signal) => resolve(code ?? signal)));
const csv = join(root, 'reports', 'demo_SYN-USD_1m.csv');
buff(['data', 'synth', '--symbol', 'SYN-USD', '--days', '7', '--seed', '7', '--data-root', dataRoot]);
buff([
  'data',
  'export',
  '--symbol',
  'SYN-USD',
  '--timeframe',
  '1m',
  '--format',
  'csv',
  '--out',
  csv,
  '--data-root',
  dataRoot,
]);
buff(['ingest', 'csv', '--input', csv, '--symbol', 'SYN-CSV', '--data-root', dataRoot]);
buff(['resample', '--symbol', 'SYN-CSV', '--timeframe', '1h', '--data-root', dataRoot]);
const built = JSON.parse(
  buff(
    ['run', 'build', '--config', 'configs/run_demo.yml', '--runs-root', runsRoot, '--data-root', dataRoot, '--json'],
    { capture: true },
  )
    .trim()
    .split('\n')
    .pop(),
);
buff(['run', 'validate', '--run-id', built.runId, '--runs-root', runsRoot]);
// the dry-run part's output, once it is done (it ran beside the steps above)
const dryCode = await dryDone;
closeSync(dryLog);
process.stdout.write(readFileSync(join(dryLogDir, 'dryrun.log'), 'utf8'));
rmSync(dryLogDir, { recursive: true, force: true });
if (dryCode !== 0) {
  process.stderr.write(`demo: scripts/demo-dryrun.mjs failed (${dryCode})\n`);
  process.exit(typeof dryCode === 'number' ? dryCode : 1);
}
buff(['data', 'list', '--data-root', dataRoot]);
buff(['runs', 'list', '--runs-root', runsRoot]);
if (serve) {
  process.stdout.write(`\nServing the UI: http://localhost:${port}/runs and /dryrun  (Ctrl-C to stop)\n`);
  buff(['serve', '--runs-root', runsRoot, '--data-root', dataRoot, '--port', port, '--host', '127.0.0.1']);
}
