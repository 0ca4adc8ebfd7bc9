import { packageBuild } from '../../tsup.base';

// The parse worker is its own entry: read-csv starts it as dist/parse-worker.js. `workers` is the
// `@buff/ingest/workers` subpath; chunks shared by the entries keep one offered worker per process.
export default packageBuild({
  entry: { index: 'src/index.ts', workers: 'src/workers.ts', 'parse-worker': 'src/csv/parse-worker.ts' },
  dts: { entry: { index: 'src/index.ts', workers: 'src/workers.ts' } },
  splitting: true,
});
