import { readFileSync } from 'node:fs';

/** What a package says of itself: its version and the dependencies it declares. */
export interface PackageInfo {
  version: string;
  dependencies?: Record<string, string>;
}

/**
 * Every workspace package's version and declared dependencies, written into built code by the
 * build (tsup `define`, see tsup.base.ts). Absent when running from TypeScript sources.
 */
declare const __BUFF_PACKAGES__: Record<string, PackageInfo> | undefined;

const read = new Map<string, PackageInfo>();

/**
 * A workspace package's version and declared dependencies: from the build when this code was built
 * (so a bundle that holds the package still reports the package's own version), else read from
 * `packageJsonUrl` (its package.json, when running from sources).
 * @example packageInfo('@buff/engine', new URL('../package.json', import.meta.url)).version // '0.1.0'
 */
export function packageInfo(name: string, packageJsonUrl: URL): PackageInfo {
  const built = typeof __BUFF_PACKAGES__ === 'object' ? __BUFF_PACKAGES__[name] : undefined;
  if (built !== undefined) return built;
  let info = read.get(name);
  if (info === undefined) {
    const { version, dependencies } = JSON.parse(readFileSync(packageJsonUrl, 'utf8')) as PackageInfo;
    info = { version, ...(dependencies === undefined ? {} : { dependencies }) };
    read.set(name, info);
  }
  return info;
}
