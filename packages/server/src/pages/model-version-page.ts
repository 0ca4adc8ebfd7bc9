import type { AuditEntry, ModelAlias, ModelVersion } from '@buff/registry';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import { confusionMatrix, evaluationTable, gatesSummary, verdict } from './model-evaluation.js';
import { auditTable } from './models-pages.js';
import { linePlot } from './svg-plot.js';

/** Report files a model folder may hold under reports/training/ (the only ones served). */
export const MODEL_REPORT_FILES = ['reliability.svg', 'training-curves.svg'] as const;

interface EpochRecord {
  epoch: number;
  loss?: number;
  valLoss?: number;
  valAccuracy?: number;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

const epochTick = (x: number): string => (Number.isInteger(x) ? `epoch ${x}` : '');

/** Loss and validation curves drawn from the card's training history (inline SVG). */
function trainingCurves(card: Record<string, unknown>): SafeHtml {
  const history = (record(card.training).history ?? []) as EpochRecord[];
  if (!Array.isArray(history) || history.length === 0)
    return html`<p class="muted">The model card has no training history.</p>`;
  const epochs = history.map((h) => h.epoch);
  const column = (key: keyof EpochRecord): number[] => history.map((h) => Number(h[key] ?? Number.NaN));
  const losses = linePlot(
    [
      { label: 'training loss', x: epochs, y: column('loss') },
      { label: 'validation loss', x: epochs, y: column('valLoss') },
    ],
    { id: 'training-loss', title: 'Loss per epoch', xTick: epochTick, yTick: (y) => y.toFixed(3) },
  );
  const accuracy = linePlot([{ label: 'validation accuracy', x: epochs, y: column('valAccuracy') }], {
    id: 'training-accuracy',
    title: 'Validation accuracy per epoch',
    xTick: epochTick,
    yTick: (y) => y.toFixed(3),
  });
  return html`<div class="figures">${losses}${accuracy}</div>`;
}

function cardFacts(base: string, v: ModelVersion): SafeHtml {
  const card = v.card;
  const training = record(card.training);
  const features = record(card.features);
  const datasets = Array.isArray(card.datasets) ? (card.datasets as Array<Record<string, unknown>>) : [];
  const facts: Array<[string, unknown]> = [
    ['Kind', card.kind],
    ['Model id', card.modelId],
    ['Symbols', Array.isArray(card.symbols) ? card.symbols.join(', ') : card.symbols],
    ['Timeframe', card.timeframe],
    ['Features', Array.isArray(features.names) ? features.names.join(', ') : undefined],
    ['Window', card.window],
    ['Horizon', card.horizon],
    ['Epochs', `${training.epochsRun ?? '–'} of ${training.epochs ?? '–'} (best ${training.bestEpoch ?? '–'})`],
    ['Seed', card.seed],
    ['Registered', v.registeredAt],
  ];
  const dataRows = datasets.map(
    (d) =>
      html`<dt>Data ${String(d.symbol)} ${String(d.timeframe)}</dt><dd><a class="id" href="${base}/datasets/${String(d.symbol)}">${String(d.contentId)}</a></dd>`,
  );
  return html`<dl class="kv" id="card-facts">${facts.filter(([, value]) => value !== undefined).map(([k, value]) => html`<dt>${k}</dt><dd>${String(value)}</dd>`)}${dataRows}</dl>`;
}

/** Input of {@link renderModelVersionPage}. */
export interface ModelVersionPageInput {
  base: string;
  version: ModelVersion;
  aliases: Partial<Record<ModelAlias, number>>;
  audit: AuditEntry[];
  /** Which of MODEL_REPORT_FILES the version's folder holds. */
  reports: string[];
}

/**
 * /models/:name/v/:n: the model card, its evaluation against the baselines (accuracy, balanced
 * accuracy, log loss, Brier, ECE), confusion matrix, reliability diagram, training curves, and the
 * audit entries that concern this version.
 */
export function renderModelVersionPage(page: ModelVersionPageInput): string {
  const { base, version: v } = page;
  const own = `${base}/models/${v.name}/v/${v.version}`;
  const held = (['champion', 'candidate'] as const).filter((a) => page.aliases[a] === v.version);
  const reliability = page.reports.includes('reliability.svg')
    ? html`<figure><img class="report" id="reliability-diagram" src="${own}/reports/reliability.svg" alt="Reliability diagram of v${v.version} on the test split" width="480" height="360"><figcaption>Reliability on the test split (bars: accuracy per confidence bin; dashed: perfect calibration)</figcaption></figure>`
    : html`<p class="muted">This version's folder has no reliability diagram.</p>`;
  const audit = page.audit.filter((e) => e.details.version === v.version || e.details.to === v.version);
  const body = html`<p><a href="${base}/models/${v.name}">← ${v.name}</a></p>
<h1>${v.name} v${v.version} ${held.map((a) => html`<span class="badge ${a}">${a}</span> `)}</h1>
<p>Gates: ${verdict(v.evaluation)}</p>
<section class="card"><h2>Model card</h2>${cardFacts(base, v)}</section>
<section><h2>Evaluation on the test split</h2>${evaluationTable(v.evaluation)}<div class="figures"><div><h3>Confusion matrix</h3>${confusionMatrix(v.evaluation)}</div><div><h3>Gates</h3>${gatesSummary(v.evaluation)}</div></div></section>
<section><h2>Calibration and training</h2><div class="figures">${reliability}</div>${trainingCurves(v.card)}</section>
<section><h2>Audit entries of this version</h2>${auditTable(base, v.name, audit)}</section>
<section><h2>Model card (JSON)</h2><pre id="model-card">${JSON.stringify(v.card, null, 2)}</pre></section>`;
  return layout({ base, title: `${v.name} v${v.version}`, body });
}
