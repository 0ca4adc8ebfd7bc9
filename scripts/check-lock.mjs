// `npm run check:lock`: fails when package-lock.json is incomplete, i.e. when a package in it
// declares an optional dependency (another platform's build of rollup, esbuild, DuckDB, Biome...)
// that the lock does not hold. npm leaves such builds out when the registry lacks them, and a lock
// without them makes `npm install` rewrite it on another machine and `npm ci` refuse it (npm/cli#4828).
// Usage: node scripts/check-lock.mjs [path/to/package-lock.json]
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};

/** Where Node would find `name` from the package at `from` (its own node_modules, then each parent's). */
function resolveInLock(from, name) {
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (dir === '') return undefined;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent < 0 ? '' : dir.slice(0, parent);
  }
}

const missing = [];
let checked = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    checked++;
    if (resolveInLock(path, name) === undefined) missing.push(`${path || '(root)'} -> ${name}`);
  }
}
if (lock.lockfileVersion < 2 || Object.keys(packages).length === 0) {
  process.stderr.write(`check-lock: ${file} has no "packages" section (lockfileVersion ${lock.lockfileVersion})\n`);
  process.exit(1);
}
if (missing.length > 0) {
  process.stderr.write(
    `check-lock: ${file} is incomplete: ${missing.length} optional dependencies are missing:\n  ${missing.join('\n  ')}\n` +
      'Run `npm install` where the registry serves every platform build and commit the lock file.\n',
  );
  process.exit(1);
}
process.stdout.write(`check-lock: ${file} holds all ${checked} optional dependencies\n`);
