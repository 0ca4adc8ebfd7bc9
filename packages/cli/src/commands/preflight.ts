import type { Argv } from 'yargs';
import { BuffError } from '@buff/core';
import { outputFor, type RegisterCommands } from '../context.js';
import type { Output } from '../output.js';
import { resolveRoot } from '../roots.js';
import { formatTable } from '../text-table.js';
import { configCheck, diskCheck, rootsCheck } from '../preflight/file-checks.js';
import { runChecks, type CheckResult } from '../preflight/preflight-check.js';
import { championsCheck, killSwitchCheck, runIndexCheck } from '../preflight/registry-checks.js';
import { notifiersCheck, postgresCheck } from '../preflight/service-checks.js';
import { withRegistryOptions } from './runs.js';

/** The options of `buff preflight` (also taken by `buff release-gate`). */
export function withPreflightOptions<T>(y: Argv<T>) {
  return withRegistryOptions(y)
    .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' })
    .option('models-root', { type: 'string', describe: 'models root (else MODELS_ROOT, else ./models)' })
    .option('config', { type: 'string', array: true, describe: 'config files to validate (default configs/*.yml)' })
    .option('notify-config', { type: 'string', describe: 'config file whose notify: section applies' })
    .option('min-free-mb', { type: 'number', default: 1024, describe: 'free disk each root needs (MiB)' })
    .option('timeout-seconds', { type: 'number', default: 900, describe: 'bound on the whole run' });
}

type PreflightArgs = ReturnType<typeof withPreflightOptions>['argv'] extends infer A
  ? A extends Promise<infer B>
    ? B
    : A
  : never;

/**
 * Runs every preflight check within `deadline` and prints the table; the rows, failed or not.
 * @example const rows = await runPreflight(args, out, Date.now() + 900_000);
 */
export async function runPreflight(args: PreflightArgs, out: Output, deadline: number): Promise<CheckResult[]> {
  if (!(args.timeoutSeconds > 0) || !(args.minFreeMb >= 0))
    throw new BuffError('INVALID_INPUT', '--timeout-seconds must be > 0 and --min-free-mb >= 0', {
      details: { key: args.timeoutSeconds > 0 ? 'min-free-mb' : 'timeout-seconds' },
    });
  const roots = [
    resolveRoot('DATA_ROOT', args.dataRoot),
    resolveRoot('RUNS_ROOT', args.runsRoot),
    resolveRoot('MODELS_ROOT', args.modelsRoot),
  ];
  for (const root of roots) out.root(root);
  const [, runsRoot, modelsRoot] = roots.map((r) => r.path) as [string, string, string];
  const pgUrl = args.pgUrl ?? process.env.BUFF_PG_URL;
  const rows = await runChecks(
    [
      configCheck(args.config?.map(String)),
      rootsCheck(roots),
      diskCheck(roots, args.minFreeMb),
      runIndexCheck(runsRoot, { driver: args.driver, ...(pgUrl ? { pgUrl } : {}) }),
      championsCheck(modelsRoot),
      notifiersCheck(args.notifyConfig),
      killSwitchCheck(runsRoot),
      postgresCheck(pgUrl),
    ],
    deadline,
  );
  if (rows.some((r) => r.detail.startsWith('timed out')))
    // a timed-out check may still hold a socket or a timer: the run is bounded, so do not wait for it
    setTimeout(() => process.exit(), 1000).unref();
  out.line(
    formatTable(
      ['check', 'result', 'detail'],
      rows.map((r) => [r.check, r.ok ? 'pass' : 'FAIL', r.detail]),
    ),
  );
  return rows;
}

/**
 * `buff preflight`: one table of release checks (configs, roots, free disk, run index, champion
 * models, notifiers, kill switch, PostgreSQL) within one deadline; exit 0 when all pass, 3 otherwise.
 */
export const registerPreflightCommands: RegisterCommands = (cli) =>
  cli.command(
    'preflight',
    'check configs, roots, disk, run index, champion models, notifiers, kill switch and PostgreSQL (exit 3 if any fails)',
    (y) => withPreflightOptions(y),
    async (args) => {
      const out = outputFor(args);
      const rows = await runPreflight(args, out, Date.now() + args.timeoutSeconds * 1000);
      const failed = rows.filter((r) => !r.ok);
      if (failed.length > 0)
        throw new BuffError(
          'PREFLIGHT_FAILED',
          `${failed.length} of ${rows.length} check(s) failed: ${failed.map((r) => r.check).join(', ')}`,
          { details: { rule: 'PREFLIGHT', checks: rows } },
        );
      out.line(`preflight: all ${rows.length} checks passed`);
      out.result({ checks: rows });
    },
  );
