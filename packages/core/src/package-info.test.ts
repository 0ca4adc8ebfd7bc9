import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packageInfo } from './package-info.js';

describe('packageInfo', () => {
  it('reads the version and declared dependencies from package.json when running from sources', () => {
    const url = new URL('../package.json', import.meta.url);
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version: string; dependencies: Record<string, string> };
    const info = packageInfo('@buff/core', url);
    expect(info).toEqual({ version: pkg.version, dependencies: pkg.dependencies });
    expect(packageInfo('@buff/core', new URL('file:///nonexistent/package.json'))).toBe(info);
  });

  it('names the file when package.json cannot be read', () => {
    expect(() => packageInfo('@buff/not-a-package', new URL('file:///nonexistent/package.json'))).toThrow(
      /nonexistent\/package\.json/,
    );
  });
});
