import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/** Every workspace package's version and declared dependencies, for core's `packageInfo`. */
function workspacePackages(): Record<string, { version: string; dependencies?: Record<string, string> }> {
  const packagesDir = new URL('./packages/', import.meta.url);
  const entries: Record<string, { version: string; dependencies?: Record<string, string> }> = {};
  for (const dir of readdirSync(packagesDir).sort()) {
    const pkg = JSON.parse(readFileSync(new URL(`${dir}/package.json`, packagesDir), 'utf8')) as {
      name: string;
      version: string;
      dependencies?: Record<string, string>;
    };
    entries[pkg.name] = {
      version: pkg.version,
      ...(pkg.dependencies === undefined ? {} : { dependencies: pkg.dependencies }),
    };
  }
  return entries;
}

/**
 * The one build of every package: ESM for Node 20 with type declarations, from src/index.ts.
 * A package's tsup.config.ts passes only what differs (e.g. an extra worker entry).
 * Built code gets the workspace packages' versions as a constant (`__BUFF_PACKAGES__`), so it never
 * reads a package.json at run time (the CLI bundle holds several packages in one folder).
 */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    define: { __BUFF_PACKAGES__: JSON.stringify(workspacePackages()) },
    ...overrides,
  });
}
