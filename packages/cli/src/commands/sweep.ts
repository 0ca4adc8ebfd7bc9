import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BuffError } from '@buff/core';
import { outputFor, type RegisterCommands } from '../context.js';
import { refuseWhileKillSwitchOn } from '../kill-switch-guard.js';
import { resolveRunAndDataRoots } from '../roots.js';
import { openQueueFor } from '../jobs/queue-flags.js';
import { cellsOnWorkers } from '../jobs/sweep-on-workers.js';

const fixed = (value: number | null | undefined): string =>
  value === null || value === undefined ? 'n/a' : value.toFixed(4);

/** `buff sweep --config F`: a parameter sweep with walk-forward folds, PBO and the deflated Sharpe ratio. */
export const registerSweepCommands: RegisterCommands = (cli) =>
  cli.command(
    'sweep',
    'sweep a run config over a grid or seeded random cells, with walk-forward folds and the statistics of overfitting',
    (y) =>
      y
        .option('config', { type: 'string', demandOption: true, describe: 'sweep config file (YAML or JSON)' })
        .option('runs-root', { type: 'string', describe: 'runs root (else RUNS_ROOT, else ./runs)' })
        .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' })
        .option('driver', {
          choices: ['fs', 'pg'] as const,
          describe:
            'run the cells as jobs on `buff worker`s: fs (this machine) or pg (any machine); default: in this process',
        })
        .option('pg-url', {
          type: 'string',
          describe: 'PostgreSQL connection string for --driver pg (else BUFF_PG_URL)',
        })
        .option('heartbeat-seconds', { type: 'number', default: 30, describe: 'see buff worker' })
        .option('cells-per-job', {
          type: 'number',
          describe: 'with --driver: cells per sweep-cell job (default: the cells / 64, at least 1)',
        })
        .check((a) => {
          const n = a.cellsPerJob as number | undefined;
          if (n !== undefined && !(Number.isInteger(n) && n >= 1))
            throw new Error(`--cells-per-job must be a whole number >= 1, got ${n}`);
          if (n !== undefined && a.driver === undefined) throw new Error('--cells-per-job needs --driver fs or pg');
          return true;
        }),
    async (args) => {
      const out = outputFor(args);
      const { runsRoot, dataRoot } = resolveRunAndDataRoots(args, out);
      await refuseWhileKillSwitchOn(args, out, 'sweep');
      const path = resolve(args.config);
      const text = await readFile(path, 'utf8').catch((err: unknown) => {
        throw new BuffError('INVALID_INPUT', `cannot read sweep config ${args.config}: ${(err as Error).message}`, {
          cause: err,
          details: { file: args.config, key: 'config' },
        });
      });
      const { parseSweepConfig, runSweep } = await import('@buff/engine');
      const sweep = parseSweepConfig(text, args.config);
      const { openRunRegistry } = await import('@buff/registry');
      const pg =
        args.driver === 'pg' ? { driver: 'postgres' as const, pgUrl: args.pgUrl ?? process.env.BUFF_PG_URL } : {};
      const registry = await openRunRegistry({ runsRoot: runsRoot.path, create: true, ...pg });
      const queue = args.driver ? await openQueueFor({ ...args, driver: args.driver }, runsRoot.path) : undefined;
      try {
        const { report, dir, created } = await runSweep(sweep, {
          configPath: path,
          dataRoot: dataRoot.path,
          runStore: registry,
          ...(queue
            ? { cellSummaries: cellsOnWorkers(queue, (line) => out.progress(line), { perJob: args.cellsPerJob }) }
            : {}),
        });
        out.line(report.sweepId);
        out.line(`folder ${dir}`);
        out.line(created ? `${report.cells} cells swept` : 'already swept: nothing recomputed');
        out.line(`best ${JSON.stringify(report.best?.params ?? null)} run ${report.best?.runId ?? 'none'}`);
        out.line(
          `PBO ${fixed(report.pbo)}, deflated Sharpe ${fixed(report.deflatedSharpe?.value)} (p ${fixed(report.deflatedSharpe?.pValue)}), walk-forward efficiency ${fixed(report.walkForward.efficiency)}`,
        );
        out.result({
          sweepId: report.sweepId,
          dir,
          created,
          cells: report.cells,
          best: report.best,
          pbo: report.pbo,
          deflatedSharpe: report.deflatedSharpe,
          walkForwardEfficiency: report.walkForward.efficiency,
        });
      } finally {
        await queue?.close();
        await registry.close();
      }
    },
  );
