import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.js';

/** The Python that runs `jupyter` (its shebang): tslab's kernel installer must use that one. */
function jupyterPython(jupyter: string): string {
  const shebang = readFileSync(jupyter, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(shebang);
  if (match === null) return 'python3';
  return match[1]?.endsWith('/env') ? (match[2] ?? 'python3') : (match[1] ?? 'python3');
}

/**
 * The `jupyter` executable when it and nbconvert are installed (Debian: `jupyter`,
 * `jupyter-nbconvert`), else undefined. Missing: throws under BUFF_REQUIRE_JUPYTER=1 (CI),
 * otherwise warns loudly so the caller can skip.
 * @example const jupyter = findJupyter(); describe.skipIf(jupyter === undefined)('notebooks', ...)
 */
export function findJupyter(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v jupyter'], { encoding: 'utf8' });
  const jupyter = which.stdout.trim();
  const works = jupyter !== '' && spawnSync(jupyter, ['nbconvert', '--version'], { encoding: 'utf8' }).status === 0;
  if (works) return jupyter;
  const message = 'jupyter nbconvert not found: install it with `apt-get install -y jupyter jupyter-nbconvert`';
  if (process.env.BUFF_REQUIRE_JUPYTER === '1') throw new Error(`${message} (BUFF_REQUIRE_JUPYTER=1)`);
  console.warn(`\n!!! SKIPPING NOTEBOOK TESTS: ${message} !!!\n`);
  return undefined;
}

/**
 * Registers the tslab kernel (the devDependency's `tslab install`) under `prefix`, not in the
 * user's Jupyter folders; returns the JUPYTER_PATH that finds it.
 * @example const jupyterPath = installTslabKernel(jupyter, join(tmp, 'jupyter'));
 */
export function installTslabKernel(jupyter: string, prefix: string): string {
  const tslab = join(REPO_ROOT, 'node_modules/.bin/tslab');
  execFileSync(tslab, ['install', '--python', jupyterPython(jupyter), '--prefix', prefix, '--binary', tslab], {
    stdio: 'pipe',
  });
  return join(prefix, 'share/jupyter');
}
