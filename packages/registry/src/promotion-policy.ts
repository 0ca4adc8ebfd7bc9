import {
  BuffError,
  EVALUATION_FILE,
  isBuffError,
  readEvaluationRecord,
  readModelCard,
  type EvaluationRecord,
  type ModelCard,
} from '@buff/core';
import type { ModelAlias } from './model-schemas.js';

/** How a model folder is promoted: under which name, to which alias, by whom and why (kept in the audit log). */
export interface PromoteFolderOptions {
  /** Registry model name; default: the model card's name with characters a name cannot hold replaced by `_`. */
  name?: string;
  alias?: ModelAlias;
  actor: string;
  reason?: string;
}

/** What a folder promotion did: the version the alias now points at, and whether it was registered just now. */
export interface FolderPromotion {
  name: string;
  version: number;
  alias: ModelAlias;
  modelId: string;
  /** False when the same model (same card) was registered before: its version is reused. */
  registered: boolean;
  evaluation: EvaluationRecord;
}

/** A model folder that may be promoted: its evaluation passed and is for the model its card describes. */
export interface PromotableFolder {
  evaluation: EvaluationRecord;
  card: ModelCard;
  /** The registry name the card gives. */
  name: string;
}

/**
 * The promotion rules for a model folder, in the order they are checked: it has a recorded evaluation that is
 * valid (else PROMOTION_REFUSED, rule MISSING_EVALUATION or the reader's), the evaluation passed its gates (rule
 * GATES_FAILED), its model card is valid (CORRUPT_ARTIFACT), and the evaluation is for the card's model (rule
 * EVALUATION_MODEL). There is no override. The CLI, the server and the runtime all promote through these rules.
 * @example
 * const { evaluation, card, name } = await readPromotableFolder('models/lstm-BTC-USD-1m/0123456789abcdef');
 */
export async function readPromotableFolder(modelDir: string): Promise<PromotableFolder> {
  const evaluation = await readPassedEvaluation(modelDir);
  const card = readModelCard(modelDir);
  if (evaluation.modelId !== card.modelId) {
    throw new BuffError(
      'PROMOTION_REFUSED',
      `refusing to promote ${modelDir}: ${EVALUATION_FILE} is for model ${evaluation.modelId}, the model card is ${card.modelId}`,
      {
        details: {
          file: `${modelDir}/${EVALUATION_FILE}`,
          key: 'modelId',
          value: evaluation.modelId,
          rule: 'EVALUATION_MODEL',
        },
      },
    );
  }
  return { evaluation, card, name: registryNameOf(card.name) };
}

/** The registry name a model card's name gives: characters a model name cannot hold become `_`. */
export function registryNameOf(cardName: string): string {
  return cardName.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Reading the evaluation failed for a reason that is the folder's, not the machine's: refuse the promotion. */
const UNREADABLE_EVALUATION = new Set<string>(['NOT_FOUND', 'INVALID_INPUT', 'CORRUPT_ARTIFACT']);

/** The folder's recorded evaluation, or PROMOTION_REFUSED when it is missing, unreadable or failed its gates. */
async function readPassedEvaluation(modelDir: string): Promise<EvaluationRecord> {
  let record: EvaluationRecord;
  try {
    record = await readEvaluationRecord(modelDir);
  } catch (err) {
    if (isBuffError(err) && UNREADABLE_EVALUATION.has(err.code)) {
      throw new BuffError('PROMOTION_REFUSED', `refusing to promote ${modelDir}: ${err.message}`, {
        cause: err,
        details: { ...err.details, rule: err.details.rule ?? 'MISSING_EVALUATION' },
      });
    }
    throw err;
  }
  if (record.passed !== true) {
    throw new BuffError(
      'PROMOTION_REFUSED',
      `refusing to promote ${modelDir}: its evaluation failed the gates (${record.failures.join('; ')})`,
      {
        details: {
          file: `${modelDir}/${EVALUATION_FILE}`,
          rule: 'GATES_FAILED',
          failures: record.failures,
          gates: record.gates,
        },
      },
    );
  }
  return record;
}

/**
 * A challenger must have been compared with the champion it replaces: when `alias` is `champion` and there is
 * a current champion other than this very model, the evaluation must name that champion (version and model id)
 * among its baselines (else PROMOTION_REFUSED rule CHAMPION_NOT_COMPARED: evaluate again with the registry) and
 * must have beaten it (else rule CHAMPION_NOT_BEATEN, naming the figures). Gates that were turned off
 * (`beatBaselines: false`) are recorded in the evaluation and honoured here.
 * @example checkChampionComparison(dir, evaluation, modelId, await registry.resolve(name, 'champion'));
 */
export function checkChampionComparison(
  modelDir: string,
  evaluation: EvaluationRecord,
  modelId: string,
  champion: { name: string; version: number; card: Record<string, unknown> } | undefined,
): void {
  if (champion === undefined || champion.card.modelId === modelId) return;
  const compared = evaluation.baselines.champion;
  const current = `${champion.name} v${champion.version} (model ${String(champion.card.modelId)})`;
  if (compared === undefined || compared.version !== champion.version || compared.modelId !== champion.card.modelId) {
    const was = compared
      ? `it was compared with v${compared.version} (model ${compared.modelId})`
      : 'it was not compared with it';
    throw new BuffError(
      'PROMOTION_REFUSED',
      `refusing to promote ${modelDir}: the champion is ${current} and ${was}; run buff evaluate --model ${modelDir} --name ${champion.name} with this models root`,
      { details: { file: `${modelDir}/${EVALUATION_FILE}`, key: 'baselines.champion', rule: 'CHAMPION_NOT_COMPARED' } },
    );
  }
  const test = evaluation.significance.find((s) => s.against === 'champion');
  if (evaluation.gates.beatBaselines && test?.beaten !== true) {
    const p = test ? test.pValue.toPrecision(3) : 'missing';
    throw new BuffError(
      'PROMOTION_REFUSED',
      `refusing to promote ${modelDir}: it does not beat the champion ${current}: accuracy ${evaluation.metrics.accuracy.toFixed(4)} vs ${compared.accuracy.toFixed(4)}, McNemar p ${p}`,
      { details: { file: `${modelDir}/${EVALUATION_FILE}`, key: 'significance', rule: 'CHAMPION_NOT_BEATEN' } },
    );
  }
}
