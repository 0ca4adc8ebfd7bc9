import { packageBuild } from '../../tsup.base';

// The hash worker is its own entry: hash-off-thread starts it as dist/hash-worker.js. `io` is the
// `@buff/core/io` subpath; `gap-rule` is `@buff/core/gap-rule` (the gap rule alone, for the parse worker); chunks shared by the entries keep one hash worker per process.
export default packageBuild({
  entry: { index: 'src/index.ts', io: 'src/io.ts', 'gap-rule': 'src/gap-rule.ts', 'hash-worker': 'src/hash-worker.ts' },
  dts: { entry: { index: 'src/index.ts', io: 'src/io.ts', 'gap-rule': 'src/gap-rule.ts' } },
  splitting: true,
});
