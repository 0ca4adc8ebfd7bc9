import { formatNumber } from './format.js';
import { html, type SafeHtml } from './html.js';

/** The figures of one classifier on the test split (the shape `buff evaluate` writes). */
interface Figures {
  accuracy?: number;
  balancedAccuracy?: number;
  logLoss?: number;
  brier?: number;
  ece?: number;
  count?: number;
  confusion?: { tp: number; fp: number; tn: number; fn: number };
}

/** The headline metrics of an evaluation, in the order pages show them; `lower` = lower is better. */
export const EVALUATION_METRICS: Array<{ key: keyof Figures; label: string; lower?: boolean }> = [
  { key: 'accuracy', label: 'Accuracy' },
  { key: 'balancedAccuracy', label: 'Balanced accuracy' },
  { key: 'logLoss', label: 'Log loss', lower: true },
  { key: 'brier', label: 'Brier', lower: true },
  { key: 'ece', label: 'ECE', lower: true },
];

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The test-split figures of an evaluation record (empty when it has none). */
export function evaluationFigures(evaluation: unknown): Figures {
  return record(record(evaluation).metrics) as Figures;
}

/** `passed` / `failed` / `not evaluated`, with its class. */
export function verdict(evaluation: unknown): SafeHtml {
  const passed = record(evaluation).passed;
  if (passed === true) return html`<span class="pass">passed</span>`;
  if (passed === false) return html`<span class="fail">failed</span>`;
  return html`<span class="muted">not evaluated</span>`;
}

/** Model vs its baselines, one row per metric. */
export function evaluationTable(evaluation: unknown): SafeHtml {
  const model = evaluationFigures(evaluation);
  const baselines = Object.entries(record(record(evaluation).baselines)).map(
    ([name, figures]) => [name, figures as Figures] as const,
  );
  if (Object.keys(model).length === 0) return html`<p class="muted">No evaluation recorded for this version.</p>`;
  const head = html`<tr><th>Metric</th><th class="num">Model</th>${baselines.map(([name]) => html`<th class="num">${name}</th>`)}</tr>`;
  const rows = EVALUATION_METRICS.map(
    (m) =>
      html`<tr><th>${m.label}${m.lower ? html` <span class="muted">(lower is better)</span>` : ''}</th><td class="num">${formatNumber(model[m.key] as number | undefined, 4)}</td>${baselines.map(([, b]) => html`<td class="num">${formatNumber(b[m.key] as number | undefined, 4)}</td>`)}</tr>`,
  );
  return html`<div class="scroll"><table id="evaluation-table"><thead>${head}</thead><tbody>${rows}<tr><th>Test samples</th><td class="num">${model.count ?? '–'}</td>${baselines.map(([, b]) => html`<td class="num">${b.count ?? '–'}</td>`)}</tr></tbody></table></div>`;
}

/** The 2x2 confusion matrix of the model on the test split. */
export function confusionMatrix(evaluation: unknown): SafeHtml {
  const c = evaluationFigures(evaluation).confusion;
  if (c === undefined) return html``;
  return html`<table class="confusion" id="confusion-matrix"><thead><tr><th></th><th>predicted up</th><th>predicted down</th></tr></thead><tbody><tr><th>actual up</th><td>${c.tp}</td><td>${c.fn}</td></tr><tr><th>actual down</th><td>${c.fp}</td><td>${c.tn}</td></tr></tbody></table>`;
}

/** Gates, failures and significance tests of an evaluation as a short list. */
export function gatesSummary(evaluation: unknown): SafeHtml {
  const e = record(evaluation);
  const gates = Object.entries(record(e.gates)).map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`);
  const failures = Array.isArray(e.failures) ? (e.failures as unknown[]).map((f) => html`<li>${String(f)}</li>`) : [];
  const tests = Array.isArray(e.significance)
    ? (e.significance as Array<Record<string, unknown>>).map(
        (s) =>
          html`<dt>vs ${String(s.against)}</dt><dd>${s.beaten ? 'beaten' : 'not beaten'}, p = ${typeof s.pValue === 'number' ? s.pValue.toExponential(2) : '–'}</dd>`,
      )
    : [];
  return html`<dl class="kv">${gates}${tests}</dl>${failures.length ? html`<ul class="fail">${failures}</ul>` : ''}`;
}
