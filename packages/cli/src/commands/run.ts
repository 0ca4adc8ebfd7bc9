import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BuffError } from '@buff/core';
import type { Argv } from 'yargs';
import { outputFor, type GlobalArgs, type ParsedArgs, type RegisterCommands } from '../context.js';
import { resolveRoot, resolveRunAndDataRoots } from '../roots.js';
import { withRegistryOptions } from './runs.js';
import { refuseWhileKillSwitchOn } from '../kill-switch-guard.js';
import { lazyModelResolver } from '../model-resolver.js';
import { formatMetricsSummary, readRunMetrics } from '../metrics-summary.js';
import type { Output } from '../output.js';

/** `buff run build` and `buff run validate`: build a deterministic run from a config; check a published run. */
export const registerRunCommands: RegisterCommands = (cli) =>
  cli.command('run', 'build and validate research runs', (run) =>
    run
      .command(
        'build',
        'build a run from a YAML/JSON config (prints the run id; same config + data = same id, nothing rewritten)',
        (y) => withBuildOptions(y),
        (args) => buildRun(args),
      )
      .command(
        'validate [id]',
        'check a run: artifacts vs schemas and manifest hashes, missing/extra files, trades vs decisions, equity vs trades',
        (y) =>
          y
            .positional('id', { type: 'string', describe: 'run id (run-<16 hex>), as in buff runs show ID' })
            .option('run-id', {
              type: 'string',
              deprecated: 'give the id as the first argument: buff run validate ID',
              describe: 'run id (the old form)',
            })
            .option('runs-root', { type: 'string', describe: 'runs root (else RUNS_ROOT, else ./runs)' })
            .check((a) => {
              if (a.id === undefined && a.runId === undefined) throw new Error('name the run: buff run validate ID');
              if (a.id !== undefined && a.runId !== undefined && a.id !== a.runId)
                throw new Error(`two run ids given (${a.id} and --run-id ${a.runId}): give the id once`);
              return true;
            }),
        async (args) => {
          const out = outputFor(args);
          const runId = (args.id ?? args.runId) as string;
          if (args.id === undefined)
            process.stderr.write(
              `buff: --run-id is deprecated; give the id as the first argument: buff run validate ${runId}\n`,
            );
          const runsRoot = resolveRoot('RUNS_ROOT', args.runsRoot);
          out.root(runsRoot);
          await validateRunFolder(runsRoot.path, runId, out);
        },
      )
      .demandCommand(1, 'name a run command: build or validate'),
  );

/** The options of `buff run build`: the config and the roots it reads and writes. */
function withBuildOptions<T>(y: Argv<T>) {
  return withRegistryOptions(y)
    .option('config', { type: 'string', demandOption: true, describe: 'run config file (YAML or JSON)' })
    .option('data-root', { type: 'string', describe: 'data root (else DATA_ROOT, else ./data)' })
    .option('models-root', {
      type: 'string',
      describe: 'models root for model-signal (else MODELS_ROOT, else ./models)',
    });
}

type BuildArgs = ParsedArgs<ReturnType<typeof withBuildOptions<GlobalArgs>>>;

/** Builds (or finds already built) the run of `--config` and prints its id, folder, tags and metrics. */
async function buildRun(args: BuildArgs): Promise<void> {
  const out = outputFor(args);
  const { runsRoot, dataRoot } = resolveRunAndDataRoots(args, out);
  await refuseWhileKillSwitchOn(args, out, 'run build');
  const path = resolve(args.config);
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new BuffError('INVALID_INPUT', `cannot read config ${args.config}: ${(err as Error).message}`, {
      cause: err,
      details: { file: args.config, key: 'config' },
    });
  });
  const { prepareRun, buildPreparedRun } = await import('@buff/engine');
  const { openRunRegistry, addRunTags } = await import('@buff/registry');
  // parsed, resolved and pinned once, before the runs root is touched; the model registry opens
  // only when the strategy asks for a model (model-signal)
  const models = lazyModelResolver(args.modelsRoot, out);
  try {
    const prepared = await prepareRun(text, { source: args.config, resolveModel: models.resolveModel });
    const registry = await openRunRegistry({
      runsRoot: runsRoot.path,
      create: true,
      driver: args.driver,
      pgUrl: args.pgUrl ?? process.env.BUFF_PG_URL,
    });
    try {
      const built = await buildPreparedRun(prepared, { runStore: registry, dataRoot: dataRoot.path });
      const tags = await addRunTags(registry, built.runId, prepared.tags);
      out.line(built.runId);
      out.line(`folder ${built.runDir}`);
      out.line(built.created ? 'built' : 'already built: nothing rewritten');
      if (tags.length > 0) out.line(`tags ${tags.join(', ')}`);
      const metrics = readRunMetrics(built.runDir);
      if (metrics) for (const line of formatMetricsSummary(metrics, prepared.config.window)) out.line(line);
      out.result({ runId: built.runId, runDir: built.runDir, created: built.created, tags, metrics });
    } finally {
      await registry.close();
    }
  } finally {
    await models.close();
  }
}

/** Validates one run folder; the problems are printed and VALIDATION_FAILED thrown when any. */
async function validateRunFolder(runsRoot: string, runId: string, out: Output): Promise<void> {
  const { validateRun } = await import('@buff/engine');
  const { ok, problems } = await validateRun(runsRoot, runId);
  if (!ok) {
    for (const p of problems) out.line(`${p.file}: ${p.rule}: ${p.message}`);
    const first = problems[0];
    throw new BuffError(
      'VALIDATION_FAILED',
      `${runId}: ${problems.length} problem(s); first: ${first?.file}: ${first?.message}`,
      {
        details: { file: first?.file, rule: first?.rule, problems },
      },
    );
  }
  out.line(`${runId}: ok (every artifact matches its schema and the manifest)`);
  out.result({ runId, problems: [] });
}
