import { BuffError } from '@buff/core';
import { outputFor, type RegisterCommands } from '../context.js';
import { resolveRoot } from '../roots.js';
import { withRegistryOptions } from './runs.js';

/**
 * `buff index`: rebuilds the run index from the run folders and reports runs, corrupt folders
 * and legacy runs. Exits 3 (a failed check) when any folder is corrupt; the good runs are indexed anyway.
 */
export const registerRegistryCommands: RegisterCommands = (cli) =>
  cli.command(
    'index',
    'rebuild the run index from the run folders (reports corrupt folders: exit 3)',
    (y) => withRegistryOptions(y),
    async (args) => {
      const out = outputFor(args);
      const root = resolveRoot('RUNS_ROOT', args.runsRoot);
      out.root(root);
      const { rebuildIndex } = await import('@buff/registry');
      const report = await rebuildIndex(root.path, {
        driver: args.driver,
        pgUrl: args.pgUrl ?? process.env.BUFF_PG_URL,
      });
      out.line(`${report.runs} run(s) indexed, ${report.legacy.length} legacy`);
      for (const id of report.legacy) out.line(`legacy: ${id}`);
      for (const c of report.corrupt) out.line(`corrupt: ${c.dir}: ${c.problem}`);
      for (const name of report.ignored) out.line(`ignored (not a run folder): ${name}`);
      for (const problem of report.indexProblems) out.line(`old index: ${problem}`);
      if (report.corrupt.length > 0) {
        const first = report.corrupt[0];
        throw new BuffError(
          'CORRUPT_ARTIFACT',
          `${report.corrupt.length} corrupt run folder(s); first: ${first?.dir}: ${first?.problem}`,
          {
            details: { file: first?.dir, rule: 'CORRUPT_RUN_FOLDER', report: { ...report } },
          },
        );
      }
      out.result({ ...report });
    },
  );
