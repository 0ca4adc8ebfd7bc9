import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJsonPretty, writeFileAtomic, type EvaluationRecord, type ModelCard } from '@buff/core';
import { formatP } from '../evaluation/gates.js';

/** Where the reports of one evaluated model go under a reports root. */
export interface ModelReportPaths {
  /** `<reports>/models/evaluation.md`: every evaluated model with its gates, baselines and decision. */
  summary: string;
  /** `<reports>/training/<name>/<modelId>/`: the training curves, reliability diagram and metrics. */
  trainingDir: string;
}

/**
 * Records an evaluated model under `reportsRoot`: its curves, reliability diagram and metrics in
 * `training/<name>/<modelId>/`, its entry in `models/evaluations/`, and rewrites
 * `models/evaluation.md` from every entry (sorted by name and model id, so the same evaluations
 * give the same bytes). Every file is written atomically.
 * @example writeModelReports('reports', 'models/lstm-BTC-USD-1m/0123abcd', card, record);
 */
export function writeModelReports(
  reportsRoot: string,
  modelDir: string,
  card: ModelCard,
  record: EvaluationRecord,
): ModelReportPaths {
  const trainingDir = join(reportsRoot, 'training', card.name, card.modelId);
  mkdirSync(trainingDir, { recursive: true });
  for (const file of ['training-curves.svg', 'reliability.svg']) {
    const from = join(modelDir, 'reports', 'training', file);
    if (existsSync(from)) copyFileSync(from, join(trainingDir, file));
  }
  const metrics = { modelId: card.modelId, name: card.name, history: card.training.history, evaluation: record };
  writeFileAtomic(join(trainingDir, 'metrics.json'), `${canonicalJsonPretty(metrics)}\n`);
  const entries = join(reportsRoot, 'models', 'evaluations');
  mkdirSync(entries, { recursive: true });
  const entry = { name: card.name, kind: card.kind, modelDir, evaluation: record };
  writeFileAtomic(join(entries, `${card.name}--${card.modelId}.json`), `${canonicalJsonPretty(entry)}\n`);
  const summary = join(reportsRoot, 'models', 'evaluation.md');
  writeFileAtomic(summary, renderEvaluationSummary(readEntries(entries)));
  return { summary, trainingDir };
}

interface SummaryEntry {
  name: string;
  kind: string;
  modelDir: string;
  evaluation: EvaluationRecord;
}

function readEntries(dir: string): SummaryEntry[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SummaryEntry);
}

/**
 * The model evaluation report: one section per evaluated model with its gates, test figures,
 * baselines, significance tests and decision.
 * @example const markdown = renderEvaluationSummary([{ name, kind, modelDir, evaluation }]);
 */
export function renderEvaluationSummary(entries: SummaryEntry[]): string {
  const lines = ['# Model evaluations', '', 'Every model `buff evaluate` scored, on its held-out test split.', ''];
  for (const { name, kind, evaluation: e } of entries) {
    const g = e.gates;
    lines.push(`## ${name} \`${e.modelId}\` (${kind})`, '');
    lines.push(`- decision: **${e.passed ? 'passed' : 'refused'}**${e.passed ? '' : ` (${e.failures.join('; ')})`}`);
    lines.push(
      `- gates: accuracy >= ${g.minAccuracy} (Wilson ${g.confidence * 100}% lower bound too), ece <= ${g.maxCalibrationError}, beat baselines ${g.beatBaselines ? `at p < ${g.maxPValue}` : 'off'}`,
    );
    lines.push(
      `- accuracy ${e.metrics.accuracy.toFixed(4)} [${e.accuracyInterval.lower.toFixed(4)}, ${e.accuracyInterval.upper.toFixed(4)}] on ${e.metrics.count} samples`,
    );
    const c = e.calibration;
    lines.push(
      `- ece before scaling ${c.eceBefore.value.toFixed(4)} [${c.eceBefore.lower.toFixed(4)}, ${c.eceBefore.upper.toFixed(4)}], after (T ${c.temperature.toFixed(3)}) ${c.eceAfter.value.toFixed(4)} [${c.eceAfter.lower.toFixed(4)}, ${c.eceAfter.upper.toFixed(4)}]${c.scalingWorse ? ', scaling made it worse: the gate uses the uncalibrated ece' : ''}`,
      '',
    );
    lines.push(
      '| | accuracy | log loss | Brier | ECE | McNemar p | model-only / baseline-only |',
      '|---|---|---|---|---|---|---|',
    );
    lines.push(`| model | ${row(e.metrics)} | | |`);
    for (const s of e.significance) {
      const b = s.against === 'champion' ? e.baselines.champion : e.baselines[s.against];
      if (!b) continue;
      const label =
        s.against === 'champion' && e.baselines.champion ? `champion v${e.baselines.champion.version}` : s.against;
      lines.push(
        `| ${label} | ${row(b)} | ${formatP(s.pValue)}${s.beaten ? ' (beaten)' : ''} | ${s.modelOnly} / ${s.baselineOnly} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function row(m: { accuracy: number; logLoss: number; brier: number; ece: number }): string {
  return [m.accuracy, m.logLoss, m.brier, m.ece].map((v) => v.toFixed(4)).join(' | ');
}
