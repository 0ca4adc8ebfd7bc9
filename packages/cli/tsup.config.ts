import { createRequire } from 'node:module';
import type { Plugin } from 'esbuild';
import { packageBuild } from '../../tsup.base';

/**
 * The `buff` command is one CommonJS bundle: the workspace packages and their pure-JS dependencies
 * are compiled into dist/index.cjs, and `npm run build` then records a V8 code cache for it
 * (scripts/code-cache.mjs), which bin/buff.js hands to V8 so a command starts without parsing and
 * compiling its code again (about 60 ms less per process, see bench/RESULTS.md). CommonJS because
 * Node 20 can load a code cache only for a script (vm.Script), not for an ES module.
 * Nothing imports the CLI, so its private copies cannot meet another copy of the same class.
 * Left outside: packages with native parts, files they find by path, or optional installs.
 * The CSV parse worker and the hash worker are entries of their own: @buff/ingest and @buff/core
 * start them as ./parse-worker.cjs and ./hash-worker.cjs next to the bundle; a worker's train job
 * starts ./train-thread.cjs.
 */
const EXTERNAL = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node',
  '@duckdb/node-api',
  'ccxt',
  'express',
  'pg',
  'prom-client',
  'lightweight-charts',
  'hyparquet-writer',
  'lz4js',
];
const names = EXTERNAL.map((name) => name.replace(/[/.]/g, '\\$&')).join('|');
const external = new RegExp(`^(${names})(/|$)`);
const bundled = new RegExp(`^(?!(${names})(/|$))`);

/**
 * yargs' ES module build lays out help with cliui's ES module build, whose wrap cuts words in half
 * ("not|hing rewritten"); the CommonJS cliui wraps at word boundaries (wrap-ansi). The bundle takes
 * that one, resolved as require() would.
 */
const cliuiWrappingAtWords: Plugin = {
  name: 'cliui-wrapping-at-words',
  setup(build) {
    const yargs = createRequire(import.meta.url).resolve('yargs');
    const cliui = createRequire(yargs).resolve('cliui');
    build.onResolve({ filter: /^cliui$/ }, () => ({ path: cliui }));
  },
};

export default packageBuild({
  entry: {
    index: 'src/index.ts',
    'parse-worker': '../ingest/src/csv/parse-worker.ts',
    'hash-worker': '../core/src/hash-worker.ts',
    // A worker's train job trains in a thread of its own (src/jobs/train-job.ts).
    'train-thread': 'src/jobs/train-thread.ts',
    // The two-thread size threshold alone (no imports), for bin/early-worker.js before the bundle loads.
    'parallel-threshold': '../ingest/src/csv/parallel-threshold.ts',
  },
  format: ['cjs'],
  // import.meta.url (workers and files found next to the code) becomes the bundle's own file URL.
  shims: true,
  dts: { entry: { index: 'src/index.ts' } },
  noExternal: [bundled],
  external: [external],
  esbuildPlugins: [cliuiWrappingAtWords],
  esbuildOptions(options) {
    options.conditions = ['source', 'import', 'node'];
    // Less for V8 to parse; identifiers stay, so stack traces keep their names.
    options.minifyWhitespace = true;
    options.minifySyntax = true;
    // No import() in the bundle: each becomes require() (every external is require-able). A code
    // cache made in another process (the build's) drops the script's dynamic-import callback on
    // Node 20, so an import() run under it fails with "A dynamic import callback was not specified"
    // (the WASM backend and the pg driver are loaded this way).
    options.supported = { ...options.supported, 'dynamic-import': false };
  },
});
