import { defineConfig, type Options } from 'tsup';

/**
 * The one build of every package: ESM for Node 20 with type declarations, from src/index.ts.
 * A package's tsup.config.ts passes only what differs (e.g. an extra worker entry).
 */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    ...overrides,
  });
}
