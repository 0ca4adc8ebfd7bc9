import { resolve } from 'node:path';

/** A resolved root folder and where its value came from. */
export interface ResolvedRoot {
  name: 'DATA_ROOT' | 'RUNS_ROOT' | 'MODELS_ROOT' | 'REPORTS_ROOT';
  path: string;
  source: 'flag' | 'env' | 'default';
}

const DEFAULTS: Record<ResolvedRoot['name'], string> = {
  DATA_ROOT: 'data',
  RUNS_ROOT: 'runs',
  MODELS_ROOT: 'models',
  REPORTS_ROOT: 'reports',
};

/**
 * Flag beats environment beats the default (relative to the working directory).
 * @example resolveRoot('RUNS_ROOT', argv.runsRoot) // { path: '/abs/runs', source: 'flag' }
 */
export function resolveRoot(name: ResolvedRoot['name'], flag: string | undefined): ResolvedRoot {
  if (flag !== undefined && flag !== '') return { name, path: resolve(flag), source: 'flag' };
  const env = process.env[name];
  if (env !== undefined && env !== '') return { name, path: resolve(env), source: 'env' };
  return { name, path: resolve(DEFAULTS[name]), source: 'default' };
}

/**
 * RUNS_ROOT and DATA_ROOT, resolved and printed in that order (run build, sweep and worker need both).
 * @example const { runsRoot, dataRoot } = resolveRunAndDataRoots(args, out);
 */
export function resolveRunAndDataRoots(
  args: { runsRoot?: string | undefined; dataRoot?: string | undefined },
  out: { root(root: ResolvedRoot): void },
): { runsRoot: ResolvedRoot; dataRoot: ResolvedRoot } {
  const runsRoot = resolveRoot('RUNS_ROOT', args.runsRoot);
  const dataRoot = resolveRoot('DATA_ROOT', args.dataRoot);
  out.root(runsRoot);
  out.root(dataRoot);
  return { runsRoot, dataRoot };
}
