// `npm run build` (and the root `prepare`, so every `npm install`/`npm ci`): builds the workspace
// packages in order, skipping each one that is up to date. A package is up to date when the hash of
// its inputs (its own files and those of the workspace packages it depends on, tests excluded; the
// root build configs, every workspace package.json, package-lock.json (it records the root's
// dependencies: root scripts are not inputs); the Node version and
// platform, for the CLI's V8 code cache) equals the one recorded at its last build, and its dist/
// holds exactly the bytes that build wrote. Hashes, not mtimes: a checkout or a copy changes mtimes.
// The record lives in node_modules/.cache/buff-build/ (never packed, never committed).
// Usage: node scripts/build.mjs [--force] [--check]   (--check: build nothing, exit 1 if any is stale)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.cwd();
const force = process.argv.includes('--force');
const checkOnly = process.argv.includes('--check');
const ROOT_INPUTS = ['package-lock.json', 'tsup.base.ts', 'tsconfig.base.json'];
const SKIPPED_DIRS = new Set(['dist', 'node_modules']);
const STAMPS = join(root, 'node_modules/.cache/buff-build');

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Every file under `dir` (relative to the root), sorted; `skip(name)` prunes files and folders. */
function listFiles(dir, skip = () => false) {
  const files = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (skip(entry.name, entry.isDirectory())) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path, skip));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

const isSourceInput = (name, isDir) => (isDir ? SKIPPED_DIRS.has(name) : name.endsWith('.test.ts'));

function hashFiles(files) {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file}\0${sha256(readFileSync(join(root, file)))}\n`);
  return hash.digest('hex');
}

/** The workspaces in build order, each with its name, folder and workspace dependencies. */
function workspaces() {
  return readJson(join(root, 'package.json')).workspaces.map((dir) => {
    const pkg = readJson(join(root, dir, 'package.json'));
    return { dir, name: pkg.name, pkg, deps: Object.keys(pkg.dependencies ?? {}) };
  });
}

function inputsHash(ws, all) {
  const byName = new Map(all.map((w) => [w.name, w]));
  const dirs = new Set();
  const visit = (w) => {
    if (dirs.has(w.dir)) return;
    dirs.add(w.dir);
    for (const dep of w.deps) if (byName.has(dep)) visit(byName.get(dep));
  };
  visit(ws);
  const files = [...ROOT_INPUTS.filter((f) => existsSync(join(root, f))), ...all.map((w) => `${w.dir}/package.json`)];
  for (const dir of [...dirs].sort()) files.push(...listFiles(dir, isSourceInput));
  return sha256(`${process.version} ${process.platform} ${process.arch}\n${hashFiles([...new Set(files)])}`);
}

function outputsOf(ws) {
  const dist = join(ws.dir, 'dist');
  if (!existsSync(join(root, dist))) return {};
  return Object.fromEntries(listFiles(dist).map((f) => [relative(dist, f), sha256(readFileSync(join(root, f)))]));
}

const stampFile = (ws) => join(STAMPS, `${ws.name.replace(/[@/]/g, '_')}.json`);

function isUpToDate(ws, inputs) {
  if (!existsSync(stampFile(ws))) return false;
  const stamp = readJson(stampFile(ws));
  return stamp.inputs === inputs && JSON.stringify(stamp.outputs) === JSON.stringify(outputsOf(ws));
}

function writeStamp(ws, inputs) {
  mkdirSync(STAMPS, { recursive: true });
  const temp = `${stampFile(ws)}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify({ inputs, outputs: outputsOf(ws) }, null, 2)}\n`);
  renameSync(temp, stampFile(ws));
}

const all = workspaces();
const stale = [];
for (const ws of all.filter((w) => w.pkg.scripts?.build !== undefined)) {
  const inputs = inputsHash(ws, all);
  if (!force && isUpToDate(ws, inputs)) {
    process.stdout.write(`build: ${ws.name} is up to date\n`);
    continue;
  }
  stale.push(ws.name);
  if (checkOnly) continue;
  process.stdout.write(`build: ${ws.name}\n`);
  const result = spawnSync('npm', ['run', 'build', '--workspace', ws.name], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeStamp(ws, inputs);
}
if (checkOnly && stale.length > 0) {
  process.stderr.write(`build: not up to date: ${stale.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`build: ${stale.length} built, ${all.length - stale.length} up to date\n`);
