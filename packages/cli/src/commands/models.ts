import { hostname, userInfo } from 'node:os';
import { BuffError, isBuffError } from '@buff/core';
import { outputFor, type RegisterCommands } from '../context.js';
import { resolveRoot } from '../roots.js';

const ALIASES = ['champion', 'candidate'] as const;

function whoAmI(): string {
  try {
    return `cli:${userInfo().username}@${hostname()}`;
  } catch {
    return `cli:uid${process.getuid?.() ?? '?'}@${hostname()}`;
  }
}

/**
 * The model folder's recorded evaluation, or PROMOTION_REFUSED: a model without an evaluation, or
 * whose evaluation failed its gates, is never promoted (there is no flag to override this).
 */
async function passedEvaluation(modelDir: string) {
  const { readEvaluationRecord } = await import('@buff/ml');
  let record;
  try {
    record = await readEvaluationRecord(modelDir);
  } catch (err) {
    if (isBuffError(err) && (err.code === 'NOT_FOUND' || err.code === 'INVALID_INPUT' || err.code === 'CORRUPT_ARTIFACT')) {
      throw new BuffError('PROMOTION_REFUSED', `refusing to promote ${modelDir}: ${err.message}`, { cause: err, details: { ...err.details, rule: err.details.rule ?? 'MISSING_EVALUATION' } });
    }
    throw err;
  }
  if (record.passed !== true) {
    throw new BuffError('PROMOTION_REFUSED', `refusing to promote ${modelDir}: its evaluation failed the gates (${record.failures.join('; ')})`, {
      details: { file: `${modelDir}/evaluation.json`, rule: 'GATES_FAILED', failures: record.failures, gates: record.gates },
    });
  }
  return record;
}

/** The model card (written by buff train) and the registry name it gives. */
async function readCard(modelDir: string): Promise<{ name: string; value: Record<string, unknown> }> {
  const ml = await import('@buff/ml');
  const card = (await ml.readModelCard(modelDir)) as unknown as Record<string, unknown>;
  return { name: String(card.name), value: card };
}

/** `buff promote --model DIR`: registers the model folder as a new version and moves an alias to it, only if its evaluation passed. */
const registerPromote: RegisterCommands = (cli) =>
  cli.command(
    'promote',
    'register a model folder in the model registry and point an alias (champion) at it; refused unless its recorded evaluation passed',
    (y) =>
      y
        .option('model', { type: 'string', demandOption: true, describe: 'model folder (from buff train, evaluated by buff evaluate)' })
        .option('name', { type: 'string', describe: 'registry model name (default: the model card\'s name)' })
        .option('alias', { choices: ALIASES, default: 'champion' as const, describe: 'alias to move' })
        .option('models-root', { type: 'string', describe: 'models root (else MODELS_ROOT, else ./models)' })
        .option('actor', { type: 'string', describe: 'who (default cli:<user>@<host>; kept in the audit log)' })
        .option('reason', { type: 'string', describe: 'why (kept in the audit log)' }),
    async (args) => {
      const out = outputFor(args);
      const modelsRoot = resolveRoot('MODELS_ROOT', args.modelsRoot);
      out.root(modelsRoot);
      const evaluation = await passedEvaluation(args.model);
      const card = await readCard(args.model);
      const name = args.name ?? card.name;
      const { openModelRegistry } = await import('@buff/registry');
      const registry = await openModelRegistry({ modelsRoot: modelsRoot.path });
      try {
        const version = await registry.registerVersion(name, { sourceDir: args.model, card: card.value, evaluation });
        const actor = args.actor ?? whoAmI();
        await registry.promote(name, version, { alias: args.alias, actor, ...(args.reason ? { reason: args.reason } : {}) });
        out.line(`promoted ${name} v${version} to ${args.alias} (accuracy ${evaluation.metrics.accuracy.toFixed(4)}, ece ${evaluation.metrics.ece.toFixed(4)})`);
        out.result({ name, version, alias: args.alias, modelId: evaluation.modelId, metrics: evaluation.metrics });
      } finally {
        await registry.close?.();
      }
    },
  );

/** `buff models list` and `buff models rollback`. */
const registerModels: RegisterCommands = (cli) =>
  cli.command('models', 'the model registry: list models and versions, roll an alias back', (y) =>
    y
      .command(
        'list',
        'list registered models with their aliases (or one model\'s versions with --name)',
        (c) => c.option('name', { type: 'string', describe: 'list this model\'s versions' }).option('models-root', { type: 'string', describe: 'models root (else MODELS_ROOT, else ./models)' }),
        async (args) => {
          const out = outputFor(args);
          const modelsRoot = resolveRoot('MODELS_ROOT', args.modelsRoot);
          out.root(modelsRoot);
          const { openModelRegistry } = await import('@buff/registry');
          const registry = await openModelRegistry({ modelsRoot: modelsRoot.path });
          try {
            if (args.name) {
              const versions = await registry.listVersions(args.name);
              for (const v of versions as unknown as Array<Record<string, unknown>>) out.line(JSON.stringify(v));
              out.result({ name: args.name, versions });
            } else {
              const models = await registry.listModels();
              for (const m of models as unknown as Array<Record<string, unknown>>) out.line(JSON.stringify(m));
              out.result({ models });
            }
          } finally {
            await registry.close?.();
          }
        },
      )
      .command(
        'rollback',
        'move an alias back to the version it pointed at before (audited)',
        (c) =>
          c
            .option('name', { type: 'string', demandOption: true, describe: 'registry model name' })
            .option('alias', { choices: ALIASES, default: 'champion' as const })
            .option('models-root', { type: 'string', describe: 'models root (else MODELS_ROOT, else ./models)' })
            .option('actor', { type: 'string', describe: 'who (default cli:<user>@<host>)' })
            .option('reason', { type: 'string', describe: 'why (kept in the audit log)' }),
        async (args) => {
          const out = outputFor(args);
          const modelsRoot = resolveRoot('MODELS_ROOT', args.modelsRoot);
          out.root(modelsRoot);
          const { openModelRegistry } = await import('@buff/registry');
          const registry = await openModelRegistry({ modelsRoot: modelsRoot.path });
          try {
            const result = await registry.rollback(args.name, { alias: args.alias, actor: args.actor ?? whoAmI(), ...(args.reason ? { reason: args.reason } : {}) });
            out.line(`rolled ${args.name} ${args.alias} back: ${JSON.stringify(result)}`);
            out.result({ name: args.name, alias: args.alias, result });
          } finally {
            await registry.close?.();
          }
        },
      )
      .demandCommand(1, 'name a models command: list, rollback'),
  );

/** `buff promote`, `buff models list`, `buff models rollback`. */
export const registerModelsCommands: RegisterCommands = (cli) => registerModels(registerPromote(cli));
