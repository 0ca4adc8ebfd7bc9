import { packageBuild } from '../../tsup.base';

// The parse worker is its own entry: read-csv starts it as dist/parse-worker.js.
export default packageBuild({
  entry: { index: 'src/index.ts', 'parse-worker': 'src/csv/parse-worker.ts' },
  dts: { entry: { index: 'src/index.ts' } },
  splitting: false,
});
