import { join } from 'node:path';
import type { ReliabilityBin } from '../evaluation/calibration-error.js';
import { writeReliabilityDiagram } from './reliability-diagram.js';
import { writeTrainingCurves, type EpochRecord } from './training-curves.js';

/** Where a model's report SVGs go, relative to the working directory by default. */
export const TRAINING_REPORTS_DIR = join('reports', 'training');

/**
 * Writes `<dir>/<modelId>-reliability.svg` and, given a history, `<dir>/<modelId>-curves.svg`.
 * Returns the paths written.
 * @example writeModelReports('reports/training', 'lstm-btc-1a2b', { bins, ece, history })
 */
export function writeModelReports(
  dir: string,
  modelId: string,
  input: { bins: ReliabilityBin[]; ece?: number; history?: EpochRecord[] },
): { reliability: string; curves?: string } {
  const safe = modelId.replace(/[^A-Za-z0-9._-]/g, '_');
  const reliability = writeReliabilityDiagram(join(dir, `${safe}-reliability.svg`), input.bins, { title: `${modelId} reliability`, ...(input.ece === undefined ? {} : { ece: input.ece }) });
  if (!input.history || input.history.length === 0) return { reliability };
  const curves = writeTrainingCurves(join(dir, `${safe}-curves.svg`), input.history, { title: `${modelId} training` });
  return { reliability, curves };
}
