// `npm run bench`: builds the packages, runs every bench/*.mjs (except this one) in turn and
// writes bench/RESULTS.md with the machine and date. Each bench prints a markdown section.
import { execSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';

const only = process.argv.slice(2);
execSync('npm run build', { stdio: 'inherit' });
const benches = readdirSync('bench')
  .filter((name) => name.endsWith('.mjs') && name !== 'run.mjs')
  .filter((name) => only.length === 0 || only.some((o) => name.includes(o)))
  .sort();
const cpu = cpus()[0]?.model ?? 'unknown cpu';
const header = [
  '# Benchmark results',
  '',
  `- Date: ${new Date().toISOString()}`,
  `- Machine: ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}, Node ${process.version}`,
  '- Command: `npm run bench` (figures are ratios against a reference measured in the same run)',
  '',
];
mkdirSync('bench/results', { recursive: true });
for (const name of benches) {
  process.stderr.write(`bench: ${name}\n`);
  const result = spawnSync(process.execPath, [`bench/${name}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 2 ** 20,
  });
  const section =
    result.status === 0
      ? result.stdout.trim()
      : `## ${name}\n\nFAILED with exit code ${result.status}\n\n${result.stdout.trim()}`;
  writeFileSync(
    `bench/results/${name.replace(/\.mjs$/, '.md')}`,
    `${section}\n\n_Measured ${new Date().toISOString()}._\n`,
  );
}
// RESULTS.md holds the newest section of every bench (a filtered run keeps the others' last figures).
const sections = readdirSync('bench/results')
  .filter((n) => n.endsWith('.md'))
  .sort()
  .map((n) => readFileSync(`bench/results/${n}`, 'utf8').trim());
writeFileSync('bench/RESULTS.md', `${header.join('\n')}\n${sections.join('\n\n')}\n`);
process.stderr.write('bench: wrote bench/RESULTS.md\n');
