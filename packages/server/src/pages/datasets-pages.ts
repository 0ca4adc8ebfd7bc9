import { TIMEFRAMES, type DatasetManifest, type DatasetTable, type QualityReport } from '@buff/core';
import { formatBytes } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

/** The stored tables of a dataset, finest timeframe first. */
export function tablesOf(manifest: DatasetManifest): DatasetTable[] {
  return TIMEFRAMES.flatMap((tf) => (manifest.tables[tf] ? [manifest.tables[tf] as DatasetTable] : []));
}

const day = (iso: string | null): string => (iso === null ? '–' : iso.slice(0, 16).replace('T', ' '));

/** /datasets: every stored dataset with its timeframes, rows, span and gaps. */
export function renderDatasetsPage(page: { base: string; dataRoot: string; datasets: DatasetManifest[] }): string {
  const { base } = page;
  const rows = page.datasets.map((m) => {
    const tables = tablesOf(m);
    const finest = tables[0];
    return html`<tr><td><a href="${base}/datasets/${m.symbol}">${m.symbol}</a></td><td>${m.source.kind}</td><td>${tables.map((t) => t.timeframe).join(', ')}</td><td class="num">${finest?.rows ?? 0}</td><td>${day(finest?.first ?? null)} → ${day(finest?.last ?? null)}</td><td class="num">${finest?.gapCount ?? 0}</td><td class="id" title="${finest?.contentId ?? ''}">${finest?.contentId.slice(0, 12) ?? '–'}</td></tr>`;
  });
  const body =
    page.datasets.length === 0
      ? html`<h1>Datasets</h1><p class="muted" id="datasets-empty">No datasets in <code>${page.dataRoot}</code>. Add one with <code>buff data synth --symbol BTC-USD</code>, <code>buff ingest --file bars.csv --symbol BTC-USD</code> or <code>buff data fetch</code>.</p>`
      : html`<h1>Datasets</h1><p class="muted">Data root: <code>${page.dataRoot}</code>. Rows, span and gaps of the finest stored timeframe.</p><div class="scroll"><table id="datasets-table"><thead><tr><th>Symbol</th><th>Source</th><th>Timeframes</th><th class="num">Rows</th><th>Span (UTC)</th><th class="num">Gaps</th><th>Content id</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return layout({ base, title: 'Datasets', body });
}

/**
 * The covered span as a bar with each gap drawn red at its place (at least a pixel wide, so a
 * one-bar gap in a year is still visible); the gap list is in each rect's title.
 */
export function gapTimeline(first: string | null, last: string | null, gaps: QualityReport['gaps']): SafeHtml {
  if (first === null || last === null) return html`<p class="muted">No bars.</p>`;
  const from = Date.parse(first);
  const span = Math.max(1, Date.parse(last) - from);
  const W = 640;
  const x = (iso: string): number => Math.min(W, Math.max(0, ((Date.parse(iso) - from) / span) * W));
  const rects = gaps.map((g) => {
    const left = x(g.from);
    const width = Math.max(1, x(g.to) - left);
    return html`<rect class="gap" x="${left.toFixed(1)}" y="0" width="${width.toFixed(1)}" height="28"><title>gap ${g.from} → ${g.to}: ${g.missing} missing bars</title></rect>`;
  });
  return html`<figure id="gap-timeline"><svg class="plot" viewBox="0 0 ${W} 44" role="img" aria-label="Timeline of gaps" xmlns="http://www.w3.org/2000/svg"><rect class="covered" x="0" y="0" width="${W}" height="28"/>${rects}<text x="0" y="41">${day(first)}</text><text x="${W}" y="41" text-anchor="end">${day(last)}</text></svg><figcaption>Covered span (green) and its ${gaps.length} gaps (red)</figcaption></figure>`;
}

function qualitySection(quality: QualityReport | undefined): SafeHtml {
  if (quality === undefined)
    return html`<p class="muted">No ingest quality report (the dataset was not ingested from a file).</p>`;
  const rules = Object.entries(quality.rules).map(
    ([name, r]) =>
      html`<tr><td>${name}</td><td class="num">${r.checked}</td><td class="num ${r.violations > 0 ? 'fail' : ''}">${r.violations}</td></tr>`,
  );
  const gapRows = quality.gaps
    .slice(0, 50)
    .map((g) => html`<tr><td>${g.from}</td><td>${g.to}</td><td class="num">${g.missing}</td></tr>`);
  return html`<dl class="kv" id="quality-facts"><dt>Source</dt><dd>${quality.source}</dd><dt>Ingested as</dt><dd>${quality.timeframe}</dd><dt>Rows</dt><dd>${quality.rows} of ${quality.expectedRows} expected</dd><dt>Gaps</dt><dd>${quality.gapCount} (${quality.missingBars} missing bars${quality.gapsAllowed ? ', allowed' : ''})</dd></dl>
${gapTimeline(quality.first, quality.last, quality.gaps)}
<div class="figures"><div class="scroll"><table id="quality-rules"><thead><tr><th>Rule</th><th class="num">Checked</th><th class="num">Violations</th></tr></thead><tbody>${rules}</tbody></table></div>
${quality.gaps.length ? html`<div class="scroll"><table id="gaps-table"><thead><tr><th>Gap from</th><th>to</th><th class="num">Missing</th></tr></thead><tbody>${gapRows}</tbody></table>${quality.gaps.length > 50 ? html`<p class="muted">first 50 of ${quality.gaps.length} gaps</p>` : ''}</div>` : ''}</div>`;
}

/** /datasets/:symbol: each stored table (rows, span, content id, downloads), the quality report and its gap timeline. */
export function renderDatasetPage(page: {
  base: string;
  manifest: DatasetManifest;
  quality: QualityReport | undefined;
}): string {
  const { base, manifest } = page;
  const tables = tablesOf(manifest).map((t) => {
    const file = `${base}/datasets/${manifest.symbol}/download/${t.timeframe}`;
    return html`<tr><td>${t.timeframe}</td><td class="num">${t.rows}</td><td>${day(t.first)} → ${day(t.last)}</td><td class="num">${t.gapCount}</td><td class="num">${formatBytes(t.bytes)}</td><td class="id">${t.contentId}</td><td><a href="${file}.csv" download>CSV</a> · <a href="${file}.parquet" download>Parquet</a></td></tr>`;
  });
  const body = html`<p><a href="${base}/datasets">← Datasets</a></p><h1>${manifest.symbol}</h1>
<p>Source: ${manifest.source.kind}${manifest.source.file ? ` (${manifest.source.file})` : ''}</p>
<section><h2>Tables</h2><div class="scroll"><table id="tables-table"><thead><tr><th>Timeframe</th><th class="num">Rows</th><th>Span (UTC)</th><th class="num">Gaps</th><th class="num">Stored</th><th>Content id</th><th>Download</th></tr></thead><tbody>${tables}</tbody></table></div>
<p class="muted">CSV: <code>timestamp,open,high,low,close,volume</code> with ISO UTC times; Parquet: <code>ts</code> as TIMESTAMP(millis, UTC) and doubles (as <code>buff data export</code> writes them).</p></section>
<section class="card"><h2>Quality report</h2>${qualitySection(page.quality)}</section>`;
  return layout({ base, title: manifest.symbol, body });
}
