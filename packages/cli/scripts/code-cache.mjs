// Records the V8 code cache of the CLI bundle (dist/index.cjs.v8cache), run by `npm run build`
// after tsup. It loads the bundle the way bin/buff.js does, runs the everyday commands once in this
// process on a small dataset in a temp folder (so the cache holds the functions they compile, not
// only the top level), then writes what V8 compiled. The cache is not part of any artifact.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle, writeCodeCache, CODE_CACHE } from '../bin/load-bundle.js';

const loaded = loadBundle('off');
const { main } = loaded.exports;
const dir = mkdtempSync(join(tmpdir(), 'buff-code-cache-'));
const data = join(dir, 'data');
const runs = join(dir, 'runs');
const csv = join(dir, 'bars.csv');
const config = join(dir, 'run.json');
writeFileSync(
  config,
  JSON.stringify({
    name: 'code cache',
    strategy: { name: 'sma-cross', params: { fast: 10, slow: 30 } },
    symbols: ['CACHE-CSV'],
    timeframe: '1m',
    window: { since: '2024-01-01T00:00:00.000Z', until: '2024-01-03T00:00:00.000Z' },
    data: { provider: 'store' },
    guardrails: { preset: 'ftmo-2step' },
  }),
);
const steps = [
  ['--help'],
  ['data', 'synth', '--symbol', 'CACHE-USD', '--days', '2', '--seed', '1', '--data-root', data],
  ['data', 'export', '--symbol', 'CACHE-USD', '--format', 'csv', '--out', csv, '--data-root', data],
  ['ingest', 'csv', '--input', csv, '--symbol', 'CACHE-CSV', '--data-root', data, '--json'],
  ['resample', '--symbol', 'CACHE-CSV', '--timeframe', '1h', '--data-root', data],
  ['data', 'list', '--data-root', data],
  ['run', 'build', '--config', config, '--runs-root', runs, '--data-root', data, '--json'],
  ['runs', 'list', '--runs-root', runs],
];
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
let output = '';
process.stdout.write = process.stderr.write = (chunk) => ((output += String(chunk)), true);
try {
  for (const argv of steps) {
    const code = await main(argv);
    if (code !== 0) throw new Error(`code cache: \`buff ${argv.join(' ')}\` exited with ${code}:\n${output}`);
  }
} finally {
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
  rmSync(dir, { recursive: true, force: true });
}
writeCodeCache(loaded);
process.stdout.write(`code cache: ${CODE_CACHE}\n`);
