// Loads the CLI bundle (dist/index.cjs) with the V8 code cache `npm run build` recorded for it, so a
// command starts without parsing and compiling its code again. Node 20 takes a code cache only for
// a script (vm.Script), hence a CommonJS bundle run the way Node's own loader runs one.
// The cache file starts with the sha256 of the bundle it was made from: a cache for other bytes is
// never used (V8 itself only compares the source length), nor one V8 rejects (another Node version
// or other V8 flags); the code is then compiled as usual.
// BUFF_CODE_CACHE=off skips the cache; BUFF_CODE_CACHE=require makes an unusable cache an error
// (the tests and the benchmark use it, so they cannot measure or pass on the slow path unnoticed).
// CommonJS like the rest of bin/ (bin/package.json): a command starts without Node's ES module loader.
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { createRequire } = Module;
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '../dist/index.cjs');
const CODE_CACHE = `${BUNDLE}.v8cache`;
const DIGEST_BYTES = 32;

/**
 * Runs the bundle and returns its exports, the compiled script (for writeCodeCache) and whether
 * the code cache was used. `mode`: 'on' (use it when valid), 'off', or 'require'.
 */
function loadBundle(mode = process.env.BUFF_CODE_CACHE ?? 'on') {
  if (!['on', 'off', 'require'].includes(mode))
    throw new Error(`BUFF_CODE_CACHE must be on, off or require, not ${JSON.stringify(mode)}`);
  if (!existsSync(BUNDLE)) {
    process.stderr.write('buff: the CLI is not built; run `npm run build` at the repo root\n');
    process.exit(1);
  }
  const source = readFileSync(BUNDLE, 'utf8');
  const digest = createHash('sha256').update(source).digest();
  const cachedData = mode === 'off' ? undefined : readCache(digest);
  const script = new vm.Script(Module.wrap(source), {
    filename: BUNDLE,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  if (mode === 'require' && !cacheUsed) {
    const why =
      cachedData === undefined
        ? `${CODE_CACHE} is missing or was made from other bytes`
        : `V8 rejected ${CODE_CACHE} (another Node version or V8 flags)`;
    throw new Error(`BUFF_CODE_CACHE=require: ${why}; run \`npm run build\``);
  }
  const module = {
    exports: {},
    id: BUNDLE,
    filename: BUNDLE,
    loaded: false,
    children: [],
    paths: Module._nodeModulePaths(dirname(BUNDLE)),
  };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  module.loaded = true;
  return { exports: module.exports, script, digest, cacheUsed };
}

/** Writes the code cache of a loaded bundle (whatever it has compiled so far), atomically. */
function writeCodeCache(loaded) {
  const temp = `${CODE_CACHE}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, Buffer.concat([loaded.digest, loaded.script.createCachedData()]));
    renameSync(temp, CODE_CACHE);
  } finally {
    rmSync(temp, { force: true });
  }
}

function readCache(digest) {
  let bytes;
  try {
    bytes = readFileSync(CODE_CACHE);
  } catch {
    return undefined;
  }
  return bytes.subarray(0, DIGEST_BYTES).equals(digest) ? bytes.subarray(DIGEST_BYTES) : undefined;
}

module.exports = { BUNDLE, CODE_CACHE, loadBundle, writeCodeCache };
