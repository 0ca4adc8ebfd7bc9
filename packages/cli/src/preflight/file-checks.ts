import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ResolvedRoot } from '../roots.js';
import type { PreflightCheck } from './preflight-check.js';

/**
 * Every config file parses as a run config (the given files, else `configs/*.yml` under the
 * working directory); a missing or empty list fails.
 */
export function configCheck(files: string[] | undefined): PreflightCheck {
  return {
    name: 'config files',
    async run() {
      const { parseRunConfig, parseSweepConfig } = await import('@buff/engine');
      const list = files && files.length > 0 ? files : defaultConfigs();
      if (list.length === 0) return [{ ok: false, detail: 'no config files: none given and no configs/*.yml' }];
      return list.map((file) => {
        try {
          const text = readFileSync(file, 'utf8');
          // a sweep config names its base run config (relative to itself); both must parse
          if (!/^base\s*:/m.test(text))
            return { check: `config ${file}`, ok: true, detail: validRun(parseRunConfig(text, file)) };
          const sweep = parseSweepConfig(text, file);
          const base = resolve(dirname(file), sweep.base);
          parseRunConfig(readFileSync(base, 'utf8'), base);
          return { check: `config ${file}`, ok: true, detail: `valid sweep config (base ${sweep.base} valid)` };
        } catch (err) {
          return { check: `config ${file}`, ok: false, detail: (err as Error).message };
        }
      });
    },
  };
}

function validRun(config: { strategy: { name: string } }): string {
  return `valid run config (strategy ${config.strategy.name})`;
}

function defaultConfigs(): string[] {
  try {
    return readdirSync('configs')
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => join('configs', name));
  } catch {
    return [];
  }
}

/** Each root exists, is a folder, and takes a file (written and removed: a real probe, not a mode bit). */
export function rootsCheck(roots: ResolvedRoot[]): PreflightCheck {
  return {
    name: 'roots',
    async run() {
      return roots.map((root) => {
        const check = `root ${root.name}`;
        try {
          if (!statSync(root.path).isDirectory()) return { check, ok: false, detail: `${root.path} is not a folder` };
          const probe = mkdtempSync(join(root.path, '.preflight-'));
          writeFileSync(join(probe, 'probe'), 'ok');
          rmSync(probe, { recursive: true, force: true });
          return { check, ok: true, detail: `${root.path} writable` };
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const detail = code === 'ENOENT' ? 'does not exist' : `not writable (${code ?? (err as Error).message})`;
          return { check, ok: false, detail: `${root.path} ${detail}` };
        }
      });
    },
  };
}

/** Free space on each existing root's file system is at least `minFreeMb` MiB. */
export function diskCheck(roots: ResolvedRoot[], minFreeMb: number): PreflightCheck {
  return {
    name: 'free disk',
    async run() {
      return roots.map((root) => {
        const check = `free disk ${root.name}`;
        try {
          const fs = statfsSync(root.path);
          const freeMb = Math.floor((fs.bavail * fs.bsize) / 2 ** 20);
          const ok = freeMb >= minFreeMb;
          return { check, ok, detail: `${freeMb} MiB free${ok ? '' : `, below the ${minFreeMb} MiB threshold`}` };
        } catch (err) {
          return { check, ok: false, detail: `cannot stat ${root.path}: ${(err as NodeJS.ErrnoException).code}` };
        }
      });
    },
  };
}
