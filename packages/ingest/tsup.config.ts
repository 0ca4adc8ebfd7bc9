import { defineConfig } from 'tsup';

export default defineConfig({
  // The parse worker is its own entry: read-csv starts it as dist/parse-worker.js.
  entry: { index: 'src/index.ts', 'parse-worker': 'src/csv/parse-worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  splitting: false,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
