import type { RunManifest } from '@buff/core';
import type { RunRecord } from '@buff/registry';
import { formatNumber, formatPercent } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { linePlot } from './svg-plot.js';

/** One run as the compare page shows it. */
export interface CompareRun {
  record: RunRecord;
  manifest: RunManifest;
  metrics: Record<string, unknown>;
  /** Equity over time (epoch ms), already thinned. */
  equity: { ts: number[]; value: number[] };
}

/** Nested objects as dotted keys (`guardrailBlocks.total`); arrays as JSON text. */
export function flatten(value: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      for (const [k, inner] of flatten(v as Record<string, unknown>, `${prefix}${key}.`)) out.set(k, inner);
    else out.set(`${prefix}${key}`, Array.isArray(v) ? JSON.stringify(v) : v);
  }
  return out;
}

/** Metrics that are fractions of capital or time, shown in % (differences in percentage points). */
const PERCENT_METRIC = /return|drawdown|cagr|exposure|winrate/i;

function shown(value: unknown, key = ''): string {
  if (typeof value === 'number') {
    if (PERCENT_METRIC.test(key) && !/pct|days/i.test(key)) return formatPercent(value);
    return Number.isInteger(value) ? String(value) : formatNumber(value, 4);
  }
  return value === undefined || value === null ? '–' : String(value);
}

function signed(delta: number, key: string): string {
  const percent = PERCENT_METRIC.test(key) && !/pct|days/i.test(key);
  const text = percent
    ? `${formatNumber(delta * 100, 2)} pp`
    : Number.isInteger(delta)
      ? String(delta)
      : formatNumber(delta, 4);
  return delta > 0 ? `+${text}` : text;
}

const runLabel = (run: CompareRun, i: number): string => `${i + 1}. ${run.record.name} (${run.record.id.slice(4, 12)})`;

/** Metrics side by side; every run after the first shows its difference to the first. */
function metricsTable(runs: CompareRun[]): SafeHtml {
  const flat = runs.map((r) => flatten(r.metrics));
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].filter((k) => k !== 'schemaVersion');
  const rows = keys.map((key) => {
    const first = flat[0]?.get(key);
    const cells = flat.map((m, i) => {
      const value = m.get(key);
      const delta = i > 0 && typeof value === 'number' && typeof first === 'number' ? value - first : undefined;
      return html`<td class="num">${shown(value, key)}${delta !== undefined && delta !== 0 ? html` <span class="muted delta">(${signed(delta, key)})</span>` : ''}</td>`;
    });
    return html`<tr><th>${key}</th>${cells}</tr>`;
  });
  return html`<div class="scroll"><table id="compare-metrics"><thead><tr><th>Metric</th>${runs.map((r, i) => html`<th class="num">${runLabel(r, i)}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div><p class="muted">In brackets: the difference to run 1.</p>`;
}

/** Config keys (strategy params included) whose values differ between the runs; the rest counted. */
function configDiff(runs: CompareRun[]): SafeHtml {
  const flat = runs.map((r) => flatten(r.manifest.config));
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  const differing = keys.filter((k) => new Set(flat.map((m) => JSON.stringify(m.get(k) ?? null))).size > 1);
  const same = keys.length - differing.length;
  if (differing.length === 0) return html`<p id="config-same">All ${same} config keys are the same.</p>`;
  const rows = differing.map(
    (key) => html`<tr><th>${key}</th>${flat.map((m) => html`<td class="wrap">${shown(m.get(key))}</td>`)}</tr>`,
  );
  return html`<div class="scroll"><table id="config-diff"><thead><tr><th>Key</th>${runs.map((r, i) => html`<th>${runLabel(r, i)}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div><p class="muted">${differing.length} keys differ, ${same} are the same.</p>`;
}

/** Each run's inputs (symbol, timeframe, content id) and whether all runs read the same data. */
function inputsTable(runs: CompareRun[]): SafeHtml {
  const keyOf = (r: CompareRun): string =>
    r.manifest.inputs
      .map((i) => `${i.symbol}/${i.timeframe}/${i.contentId}`)
      .sort()
      .join(' ');
  const same = new Set(runs.map(keyOf)).size === 1;
  const rows = runs.flatMap((r, i) =>
    r.manifest.inputs.map(
      (input) =>
        html`<tr><td>${runLabel(r, i)}</td><td>${input.symbol}</td><td>${input.timeframe}</td><td class="num">${input.rows}</td><td class="id">${input.contentId}</td></tr>`,
    ),
  );
  return html`<p id="same-data" class="${same ? 'pass' : 'fail'}">${same ? 'Same data: every run read the same inputs (content ids match).' : 'Different data: the runs read different inputs.'}</p><div class="scroll"><table id="compare-inputs"><thead><tr><th>Run</th><th>Symbol</th><th>Timeframe</th><th class="num">Rows</th><th>Content id</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function equityPlot(runs: CompareRun[]): SafeHtml {
  const series = runs
    .filter((r) => r.equity.value.length > 0)
    .map((r, i) => {
      const start = r.equity.value[0] as number;
      return { label: runLabel(r, i), x: r.equity.ts, y: r.equity.value.map((v) => (start === 0 ? v : v / start)) };
    });
  if (series.length === 0) return html`<p class="muted">No equity recorded.</p>`;
  return linePlot(series, {
    id: 'equity-overlay',
    title: 'Equity, normalised to 1 at each run’s start',
    xTick: (x) => new Date(x).toISOString().slice(0, 10),
    yTick: (y) => y.toFixed(3),
  });
}

/** The run header row: links to each run page. */
function runsHeader(base: string, runs: CompareRun[]): SafeHtml {
  return html`<ol id="compared-runs">${runs.map((r) => html`<li><a href="${base}/runs/${r.record.id}">${r.record.name}</a> <span class="muted id">${r.record.id}</span> · ${r.record.strategy} · ${r.record.symbols.join(', ')} · ${r.record.timeframe}</li>`)}</ol>`;
}

/** /compare?runs=a,b,...: metrics with differences, equity overlaid, config diff, inputs' content ids. */
export function renderComparePage(page: { base: string; runs: CompareRun[] }): string {
  const { base, runs } = page;
  const body = html`<h1>Compare ${runs.length} runs</h1>${runsHeader(base, runs)}
<section><h2>Equity</h2>${equityPlot(runs)}</section>
<section><h2>Metrics</h2>${metricsTable(runs)}</section>
<section><h2>Config and params that differ</h2>${configDiff(runs)}</section>
<section><h2>Inputs</h2>${inputsTable(runs)}</section>`;
  return layout({ base, title: 'Compare runs', body });
}

/** /compare without runs: how to pick them, with the latest runs to tick. */
export function renderComparePicker(page: { base: string; recent: RunRecord[] }): string {
  const { base } = page;
  const boxes = page.recent.map(
    (r) =>
      html`<li><label class="pick"><span><input type="checkbox" name="run" value="${r.id}"> ${r.name} <span class="muted id">${r.id}</span> · ${r.strategy} · ${r.createdAt.slice(0, 10)}</span></label></li>`,
  );
  const body = html`<h1>Compare runs</h1><p>Pick two or more runs (or open <code>${base}/compare?runs=ID1,ID2</code>).</p>
${page.recent.length === 0 ? html`<p class="muted" id="compare-empty">No runs yet.</p>` : html`<form method="get" action="${base}/compare" id="compare-form"><ul class="picker">${boxes}</ul><button type="submit">Compare</button></form>`}`;
  return layout({ base, title: 'Compare runs', body });
}
