import { packageInfo, type PackageInfo } from '@buff/core';

/** The engine's package.json (src/ and dist/ both sit one folder below it), or its build-time copy. */
function enginePackage(): PackageInfo {
  return packageInfo('@buff/engine', new URL('../package.json', import.meta.url));
}

/**
 * The engine version that goes into every run id: a new engine version gives new run ids.
 * @example engineVersion() // '0.1.2'
 */
export function engineVersion(): string {
  return enginePackage().version;
}

/**
 * Versions recorded in a run manifest: the engine and the packages it depends on (as declared).
 * @example packageVersions()['@buff/engine'] // '0.1.2'
 */
export function packageVersions(): Record<string, string> {
  const pkg = enginePackage();
  return { '@buff/engine': pkg.version, ...(pkg.dependencies ?? {}) };
}
