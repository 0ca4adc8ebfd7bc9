import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuffError } from './errors.js';
import { parseEvaluationRecord, type EvaluationRecord } from './schemas/evaluation-record.js';

/** The evaluation's file name inside a model folder. */
export const EVALUATION_FILE = 'evaluation.json';

/**
 * Reads and validates `<modelDir>/evaluation.json`. A model without one has not earned anything:
 * NOT_FOUND (rule MISSING_EVALUATION) naming the file and how to make it.
 * @example const record = await readEvaluationRecord('models/lstm-btc-usd-1a2b'); record.passed
 */
export async function readEvaluationRecord(modelDir: string): Promise<EvaluationRecord> {
  const path = join(modelDir, EVALUATION_FILE);
  if (!existsSync(path)) {
    throw new BuffError(
      'NOT_FOUND',
      `${path}: the model has no recorded evaluation; run buff evaluate --model ${modelDir} first`,
      {
        details: { file: path, rule: 'MISSING_EVALUATION' },
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new BuffError('CORRUPT_ARTIFACT', `${path}: not valid JSON`, {
      cause: err,
      details: { file: path, rule: 'JSON' },
    });
  }
  return parseEvaluationRecord(value, path);
}
