import { packageBuild } from '../../tsup.base';

// The hash worker is its own entry: hash-off-thread starts it as dist/hash-worker.js. `io` is the
// `@buff/core/io` subpath; chunks shared by the entries keep one hash worker per process.
export default packageBuild({
  entry: { index: 'src/index.ts', io: 'src/io.ts', 'hash-worker': 'src/hash-worker.ts' },
  dts: { entry: { index: 'src/index.ts', io: 'src/io.ts' } },
  splitting: true,
});
