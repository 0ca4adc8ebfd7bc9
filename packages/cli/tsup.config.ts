import { packageBuild } from '../../tsup.base';

/**
 * The `buff` command is one bundle: the workspace packages and their pure-JS dependencies are
 * compiled into dist/ (split into chunks that load on demand), so a command loads a few files
 * instead of some 700 modules (about 0.1-0.7 s less per process, see bench/RESULTS.md). Nothing
 * imports the CLI, so its private copies cannot meet another copy of the same class.
 * Left outside: packages with native parts, files they find by path, or optional installs.
 * The CSV parse worker and the hash worker are entries of their own: @buff/ingest and @buff/core
 * start them as ./parse-worker.js and ./hash-worker.js next to the chunk that holds their callers.
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

export default packageBuild({
  entry: { index: 'src/index.ts', 'parse-worker': '../ingest/src/csv/parse-worker.ts', 'hash-worker': '../core/src/hash-worker.ts' },
  dts: { entry: { index: 'src/index.ts' } },
  splitting: true,
  noExternal: [bundled],
  external: [external],
  esbuildOptions(options) {
    options.conditions = ['source', 'import', 'node'];
    // Less for V8 to parse at every start; identifiers stay, so stack traces keep their names.
    options.minifyWhitespace = true;
    options.minifySyntax = true;
  },
  // Bundled CommonJS (yargs, pino) calls require() for Node built-ins.
  banner: { js: "import { createRequire as __buffCreateRequire } from 'node:module';\nconst require = __buffCreateRequire(import.meta.url);" },
});
