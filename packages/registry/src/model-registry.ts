import { cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BuffError, parseOrThrow, publishFolder } from '@buff/core';
import { openDriver, type DriverChoice } from './open-driver.js';
import {
  ModelAliasSchema,
  ModelEvaluationSchema,
  ModelNameSchema,
  type AliasRecord,
  type ModelAlias,
  type ModelEvaluation,
  type ModelVersion,
} from './model-schemas.js';
import type { AuditEntry, StorageDriver } from './storage-driver.js';
import {
  checkChampionComparison,
  readPromotableFolder,
  type FolderPromotion,
  type PromoteFolderOptions,
} from './promotion-policy.js';

const VERSIONS = 'model_versions';
const ALIASES = 'model_aliases';
const AUDIT = 'models';

export interface ModelRegistryOptions extends DriverChoice {
  modelsRoot: string;
}

/** Versions per model name, aliases, evaluations, and promotions that must be earned. */
export interface ModelRegistry {
  readonly root: string;
  registerVersion(
    name: string,
    input: { sourceDir: string; card: Record<string, unknown>; evaluation?: ModelEvaluation | null },
  ): Promise<number>;
  /**
   * Registers the folder as a new version unless a version of `name` already holds the same model
   * (its card's `modelId`): the check and the registration are one step under the registry's lock,
   * so two workers that trained the same model register it once.
   */
  registerOnce(
    name: string,
    input: { sourceDir: string; card: Record<string, unknown>; evaluation?: ModelEvaluation | null },
  ): Promise<{ version: number; registered: boolean }>;
  attachEvaluation(name: string, version: number, evaluation: ModelEvaluation, actor: string): Promise<ModelVersion>;
  promote(
    name: string,
    version: number,
    options: { alias?: ModelAlias; actor: string; reason?: string },
  ): Promise<ModelVersion>;
  /**
   * Promotes a model folder (from `buff train`, evaluated by `buff evaluate`) under the promotion rules
   * (`readPromotableFolder`): registers it as a new version unless the same model (same card) already has one,
   * whose evaluation is then replaced by the one just read, and moves the alias to it. Checks and
   * writes are one step under the registry's lock: of two promotions at once, the second sees the
   * first's outcome (the same model: its version; another challenger: refused, not compared with it).
   */
  promoteFolder(modelDir: string, options: PromoteFolderOptions): Promise<FolderPromotion>;
  rollback(name: string, options: { alias?: ModelAlias; actor: string; reason?: string }): Promise<ModelVersion>;
  /**
   * A cheap token that changes whenever an alias may have moved (any write to the registry, by any
   * process); the same token means `resolve` answers as before. One stat (fs), one row (PostgreSQL).
   */
  changeStamp(): Promise<string>;
  resolve(name: string, alias: ModelAlias): Promise<ModelVersion | undefined>;
  getVersion(name: string, version: number): Promise<ModelVersion | undefined>;
  listModels(): Promise<
    Array<{ name: string; versions: number; latest: number; aliases: Partial<Record<ModelAlias, number>> }>
  >;
  listVersions(name: string): Promise<ModelVersion[]>;
  auditLog(name?: string): Promise<AuditEntry[]>;
  /** Appends an audit entry for a use of a model outside the registry (a dry-run session switching version). */
  recordUse(name: string, action: string, actor: string, details: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the model registry on MODELS_ROOT (created when missing). Versions are copied into
 * `<MODELS_ROOT>/<name>/v<N>/` with an atomic rename; records and the audit log go through the
 * same StorageDriver as runs.
 * @example
 * const models = await openModelRegistry({ modelsRoot: 'models' });
 * const v = await models.registerVersion('lstm-btc', { sourceDir, card, evaluation });
 * await models.promote('lstm-btc', v, { actor: 'ci' }); // PROMOTION_REFUSED unless evaluation.passed
 * await models.promoteFolder('trained/lstm-BTC-USD-1m/0123456789abcdef', { actor: 'ci' }); // the same rules, from a folder
 */
export async function openModelRegistry(options: ModelRegistryOptions): Promise<ModelRegistry> {
  const root = resolve(options.modelsRoot);
  mkdirSync(root, { recursive: true });
  return new DriverModelRegistry(root, await openDriver(root, options));
}

class DriverModelRegistry implements ModelRegistry {
  constructor(
    readonly root: string,
    private readonly driver: StorageDriver,
  ) {}

  async registerVersion(
    name: string,
    input: { sourceDir: string; card: Record<string, unknown>; evaluation?: ModelEvaluation | null },
  ): Promise<number> {
    const model = checkName(name);
    const evaluation = input.evaluation == null ? null : checkEvaluation(input.evaluation);
    if (!existsSync(input.sourceDir) || !statSync(input.sourceDir).isDirectory()) {
      throw new BuffError('NOT_FOUND', `model folder ${input.sourceDir} does not exist`, {
        details: { file: input.sourceDir },
      });
    }
    return await this.driver.exclusive(async () => {
      const version = ((await this.listVersions(model)).at(-1)?.version ?? 0) + 1;
      const dir = join(this.root, model, `v${version}`);
      const staging = join(this.root, '.staging', `${model}-v${version}-${randomBytes(4).toString('hex')}`);
      mkdirSync(join(this.root, '.staging'), { recursive: true });
      cpSync(input.sourceDir, staging, { recursive: true });
      // an existing folder is a copy left by a crash before its record was written
      await publishFolder(staging, dir, { existing: 'replace' });
      const record: ModelVersion = {
        name: model,
        version,
        dir,
        card: input.card,
        evaluation,
        registeredAt: new Date().toISOString(),
      };
      await this.driver.insert(VERSIONS, versionKey(model, version), record);
      await this.audit(model, 'register', 'registry', { version, passed: evaluation?.passed ?? null });
      return version;
    });
  }

  async registerOnce(
    name: string,
    input: { sourceDir: string; card: Record<string, unknown>; evaluation?: ModelEvaluation | null },
  ): Promise<{ version: number; registered: boolean }> {
    const modelId = input.card.modelId;
    return await this.driver.exclusive(async () => {
      const existing = (await this.listVersions(checkName(name))).find((v) => v.card.modelId === modelId);
      if (existing && modelId !== undefined) return { version: existing.version, registered: false };
      return { version: await this.registerVersion(name, input), registered: true };
    });
  }

  async attachEvaluation(
    name: string,
    version: number,
    evaluation: ModelEvaluation,
    actor: string,
  ): Promise<ModelVersion> {
    const model = checkName(name);
    const checked = checkEvaluation(evaluation);
    return await this.driver.exclusive(async () => {
      const record = { ...(await this.mustGet(model, version)), evaluation: checked };
      await this.driver.putMany(VERSIONS, [{ id: versionKey(model, version), record }]);
      await this.audit(model, 'evaluate', actor, { version, passed: checked.passed });
      return record;
    });
  }

  async promote(
    name: string,
    version: number,
    options: { alias?: ModelAlias; actor: string; reason?: string },
  ): Promise<ModelVersion> {
    const model = checkName(name);
    const alias = ModelAliasSchema.parse(options.alias ?? 'champion');
    return await this.driver.exclusive(async () => {
      const record = await this.mustGet(model, version);
      if (record.evaluation?.passed !== true) {
        const why = record.evaluation ? 'its evaluation did not pass the gates' : 'it has no recorded evaluation';
        await this.audit(model, 'promotion-refused', options.actor, { version, alias, reason: why });
        throw new BuffError('PROMOTION_REFUSED', `refusing to promote ${model} v${version} to ${alias}: ${why}`, {
          details: { key: `${model}@${version}`, rule: 'EVALUATION_PASSED', evaluation: record.evaluation },
        });
      }
      const current = (await this.driver.get(ALIASES, aliasKey(model, alias))) as AliasRecord | undefined;
      const previous =
        current && current.version !== version ? [...current.previous, current.version] : (current?.previous ?? []);
      const next: AliasRecord = { name: model, alias, version, previous };
      await this.driver.putMany(ALIASES, [{ id: aliasKey(model, alias), record: next }]);
      await this.audit(model, 'promote', options.actor, {
        alias,
        from: current?.version ?? null,
        to: version,
        reason: options.reason ?? null,
        evaluation: record.evaluation,
      });
      return record;
    });
  }

  async promoteFolder(modelDir: string, options: PromoteFolderOptions): Promise<FolderPromotion> {
    const { evaluation, card, name: cardName } = await readPromotableFolder(modelDir);
    const name = options.name ?? cardName;
    const alias = ModelAliasSchema.parse(options.alias ?? 'champion');
    // One step under the registry's lock (a lock file on fs, an advisory lock on postgres): checked
    // apart, two promotions at once could both pass the checks, register the same model twice, or
    // both replace a champion that only one of them was compared with.
    return await this.driver.exclusive(async () => {
      if (alias === 'champion')
        checkChampionComparison(modelDir, evaluation, card.modelId, await this.resolve(name, alias));
      // The same model (same card) promoted again reuses its version, with the evaluation just read.
      const existing = (await this.listVersions(name)).find((v) => v.card.modelId === card.modelId);
      const version = existing
        ? existing.version
        : await this.registerVersion(name, { sourceDir: modelDir, card, evaluation });
      if (existing) await this.attachEvaluation(name, version, evaluation, options.actor);
      await this.promote(name, version, {
        alias,
        actor: options.actor,
        ...(options.reason === undefined ? {} : { reason: options.reason }),
      });
      return { name, version, alias, modelId: card.modelId, registered: !existing, evaluation };
    });
  }

  async rollback(name: string, options: { alias?: ModelAlias; actor: string; reason?: string }): Promise<ModelVersion> {
    const model = checkName(name);
    const alias = ModelAliasSchema.parse(options.alias ?? 'champion');
    return await this.driver.exclusive(async () => {
      const current = (await this.driver.get(ALIASES, aliasKey(model, alias))) as AliasRecord | undefined;
      const target = current?.previous.at(-1);
      if (!current || target === undefined) {
        throw new BuffError('INVALID_INPUT', `${model} has no earlier ${alias} to roll back to`, {
          details: { key: `${model}:${alias}`, rule: 'ROLLBACK' },
        });
      }
      await this.driver.putMany(ALIASES, [
        {
          id: aliasKey(model, alias),
          record: { ...current, version: target, previous: current.previous.slice(0, -1) },
        },
      ]);
      await this.audit(model, 'rollback', options.actor, {
        alias,
        from: current.version,
        to: target,
        reason: options.reason ?? null,
      });
      return this.mustGet(model, target);
    });
  }

  async changeStamp(): Promise<string> {
    return await this.driver.changeStamp();
  }

  async resolve(name: string, alias: ModelAlias): Promise<ModelVersion | undefined> {
    const model = checkName(name);
    const pointer = (await this.driver.get(ALIASES, aliasKey(model, ModelAliasSchema.parse(alias)))) as
      | AliasRecord
      | undefined;
    return pointer ? this.getVersion(model, pointer.version) : undefined;
  }

  async getVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    return (await this.driver.get(VERSIONS, versionKey(checkName(name), version))) as ModelVersion | undefined;
  }

  async listVersions(name: string): Promise<ModelVersion[]> {
    const page = await this.driver.list(VERSIONS, {
      where: [{ field: 'name', op: 'eq', value: checkName(name) }],
      sort: { field: 'version', direction: 'asc', type: 'number' },
      limit: Number.MAX_SAFE_INTEGER,
    });
    return page.items as ModelVersion[];
  }

  async listModels(): Promise<
    Array<{ name: string; versions: number; latest: number; aliases: Partial<Record<ModelAlias, number>> }>
  > {
    const versions = (await this.driver.list(VERSIONS, { limit: Number.MAX_SAFE_INTEGER })).items as ModelVersion[];
    const aliases = (await this.driver.list(ALIASES, { limit: Number.MAX_SAFE_INTEGER })).items as AliasRecord[];
    const byName = new Map<
      string,
      { name: string; versions: number; latest: number; aliases: Partial<Record<ModelAlias, number>> }
    >();
    for (const v of versions) {
      const entry = byName.get(v.name) ?? { name: v.name, versions: 0, latest: 0, aliases: {} };
      entry.versions += 1;
      entry.latest = Math.max(entry.latest, v.version);
      byName.set(v.name, entry);
    }
    for (const a of aliases) {
      const entry = byName.get(a.name);
      if (entry) entry.aliases[a.alias] = a.version;
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  auditLog(name?: string): Promise<AuditEntry[]> {
    return this.driver.readAudit({ collection: AUDIT, ...(name === undefined ? {} : { id: checkName(name) }) });
  }

  recordUse(name: string, action: string, actor: string, details: Record<string, unknown>): Promise<void> {
    return this.audit(checkName(name), action, actor, details);
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  private async mustGet(model: string, version: number): Promise<ModelVersion> {
    const record = await this.getVersion(model, version);
    if (!record)
      throw new BuffError('NOT_FOUND', `model ${model} has no version ${version}`, {
        details: { key: `${model}@${version}` },
      });
    return record;
  }

  private async audit(model: string, action: string, actor: string, details: Record<string, unknown>): Promise<void> {
    await this.driver.appendAudit({
      at: new Date().toISOString(),
      collection: AUDIT,
      id: model,
      action,
      actor,
      details,
    });
  }
}

function checkName(name: string): string {
  return parseOrThrow(ModelNameSchema, name, 'INVALID_ID', { what: 'invalid model name', rule: 'MODEL_NAME' });
}

function checkEvaluation(evaluation: unknown): ModelEvaluation {
  return parseOrThrow(ModelEvaluationSchema, evaluation, 'INVALID_INPUT', {
    what: 'a model evaluation needs a boolean `passed`',
    path: ['evaluation'],
  });
}

const versionKey = (name: string, version: number): string => `${name}@${version}`;
const aliasKey = (name: string, alias: string): string => `${name}:${alias}`;
