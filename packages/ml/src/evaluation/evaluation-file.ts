import { join } from 'node:path';
import {
  EVALUATION_FILE,
  canonicalJsonPretty,
  parseEvaluationRecord,
  writeFileAtomic,
  type EvaluationRecord,
} from '@buff/core';

/**
 * Writes `<modelDir>/evaluation.json` atomically (canonical JSON, so equal records give equal bytes).
 * @example writeEvaluationRecord('models/lstm-btc-usd-1a2b', record)
 */
export function writeEvaluationRecord(modelDir: string, record: EvaluationRecord): string {
  const path = join(modelDir, EVALUATION_FILE);
  writeFileAtomic(path, `${canonicalJsonPretty(parseEvaluationRecord(record, path))}\n`);
  return path;
}
