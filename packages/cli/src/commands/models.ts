import { outputFor, type RegisterCommands } from '../context.js';
import { resolveRoot } from '../roots.js';
import { cliActor } from '../actor.js';
import { allOf } from '../choices.js';
import type { ModelAlias, ModelRegistry } from '@buff/registry';
import type { Output } from '../output.js';
import { refuseWhileKillSwitchOn, withKillSwitchRoot } from '../kill-switch-guard.js';

const ALIASES = allOf<ModelAlias>()(['champion', 'candidate']);

/** `buff promote --model DIR`: registers the model folder as a new version and moves an alias to it, only if its evaluation passed. */
const registerPromote: RegisterCommands = (cli) =>
  cli.command(
    'promote',
    'register a model folder in the model registry and point an alias (champion) at it; refused unless its recorded evaluation passed',
    (y) =>
      withKillSwitchRoot(y)
        .option('model', {
          type: 'string',
          demandOption: true,
          describe: 'model folder (from buff train, evaluated by buff evaluate)',
        })
        .option('name', { type: 'string', describe: "registry model name (default: the model card's name)" })
        .option('alias', { choices: ALIASES, default: 'champion' as const, describe: 'alias to move' })
        .option('models-root', { type: 'string', describe: 'models root (else MODELS_ROOT, else ./models)' })
        .option('actor', { type: 'string', describe: 'who (default cli:<user>@<host>; kept in the audit log)' })
        .option('reason', { type: 'string', describe: 'why (kept in the audit log)' }),
    async (args) => {
      const out = outputFor(args);
      const modelsRoot = resolveRoot('MODELS_ROOT', args.modelsRoot);
      out.root(modelsRoot);
      await refuseWhileKillSwitchOn(args, out, 'promote');
      const { openModelRegistry } = await import('@buff/registry');
      const registry = await openModelRegistry({ modelsRoot: modelsRoot.path });
      try {
        const promoted = await registry.promoteFolder(args.model, {
          actor: args.actor ?? cliActor(),
          alias: args.alias,
          ...(args.name ? { name: args.name } : {}),
          ...(args.reason ? { reason: args.reason } : {}),
        });
        const { name, version, alias, modelId, registered, evaluation } = promoted;
        out.line(
          `promoted ${name} v${version} (model ${modelId}) to ${alias}: accuracy ${evaluation.metrics.accuracy.toFixed(4)}, ece ${evaluation.metrics.ece.toFixed(4)}`,
        );
        out.result({ name, version, alias, modelId, registered, metrics: evaluation.metrics });
      } finally {
        await registry.close();
      }
    },
  );

/** `buff models list` and `buff models rollback`. */
const registerModels: RegisterCommands = (cli) =>
  cli.command('models', 'the model registry: list models and versions, roll an alias back', (y) =>
    y
      .command(
        'list',
        "list registered models with their aliases (or one model's versions with --name)",
        (c) =>
          c
            .option('name', { type: 'string', describe: "list this model's versions" })
            .option('models-root', { type: 'string', describe: 'models root (else MODELS_ROOT, else ./models)' }),
        async (args) => {
          const out = outputFor(args);
          const modelsRoot = resolveRoot('MODELS_ROOT', args.modelsRoot);
          out.root(modelsRoot);
          const { openModelRegistry } = await import('@buff/registry');
          const registry = await openModelRegistry({ modelsRoot: modelsRoot.path });
          try {
            await listModels(registry, args.name, out);
          } finally {
            await registry.close();
          }
        },
      )
      .command(
        'rollback',
        'move an alias back to the version it pointed at before (audited)',
        (c) =>
          withKillSwitchRoot(c)
            .option('name', { type: 'string', demandOption: true, describe: 'registry model name' })
            .option('alias', { choices: ALIASES, default: 'champion' as const })
            .option('models-root', { type: 'string', describe: 'models root (else MODELS_ROOT, else ./models)' })
            .option('actor', { type: 'string', describe: 'who (default cli:<user>@<host>)' })
            .option('reason', { type: 'string', describe: 'why (kept in the audit log)' }),
        async (args) => {
          const out = outputFor(args);
          const modelsRoot = resolveRoot('MODELS_ROOT', args.modelsRoot);
          out.root(modelsRoot);
          await refuseWhileKillSwitchOn(args, out, 'models rollback');
          const { openModelRegistry } = await import('@buff/registry');
          const registry = await openModelRegistry({ modelsRoot: modelsRoot.path });
          try {
            const version = await registry.rollback(args.name, {
              alias: args.alias,
              actor: args.actor ?? cliActor(),
              ...(args.reason ? { reason: args.reason } : {}),
            });
            out.line(
              `${args.name} ${args.alias} rolled back to v${version.version} (model ${String(version.card.modelId ?? '?')})`,
            );
            out.result({
              name: args.name,
              alias: args.alias,
              version: version.version,
              modelId: version.card.modelId ?? null,
            });
          } finally {
            await registry.close();
          }
        },
      )
      .demandCommand(1, 'name a models command: list, rollback'),
  );

/** Prints the registered models with their aliases, or one model's versions with their evaluation. */
async function listModels(registry: ModelRegistry, name: string | undefined, out: Output): Promise<void> {
  if (name) {
    const versions = await registry.listVersions(name);
    for (const v of versions) {
      const metrics = (v.evaluation as { metrics?: { accuracy?: number; ece?: number } } | null)?.metrics;
      const figures = metrics ? ` accuracy ${metrics.accuracy?.toFixed(4)} ece ${metrics.ece?.toFixed(4)}` : '';
      out.line(
        `${v.name} v${v.version} model ${String(v.card.modelId ?? '?')} evaluation ${v.evaluation ? (v.evaluation.passed ? 'passed' : 'failed') : 'none'}${figures}`,
      );
    }
    out.result({ name: name, versions });
  } else {
    const models = await registry.listModels();
    if (models.length === 0) out.line('no models registered');
    for (const m of models) {
      const aliases = Object.entries(m.aliases)
        .map(([alias, v]) => `${alias}=v${v}`)
        .join(' ');
      out.line(`${m.name}  ${m.versions} version(s), latest v${m.latest}${aliases ? `  ${aliases}` : ''}`);
    }
    out.result({ models });
  }
}

/** `buff promote`, `buff models list`, `buff models rollback`. */
export const registerModelsCommands: RegisterCommands = (cli) => registerModels(registerPromote(cli));
