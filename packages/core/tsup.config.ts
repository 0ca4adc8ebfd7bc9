import { packageBuild } from '../../tsup.base';

// The hash worker is its own entry: hash-off-thread starts it as dist/hash-worker.js.
export default packageBuild({
  entry: { index: 'src/index.ts', 'hash-worker': 'src/hash-worker.ts' },
  dts: { entry: { index: 'src/index.ts' } },
  splitting: false,
});
