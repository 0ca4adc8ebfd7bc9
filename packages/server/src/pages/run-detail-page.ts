import type { RunView } from '../run-view.js';
import { formatBytes } from './format.js';
import { metricsSection } from './run-metrics-section.js';
import { html, SafeHtml, type SafeHtml as Html } from './html.js';
import { layout } from './layout.js';

/** `12 rules checked, 676 GAP (allowed)`: the rules with findings, by name. */
function ruleSummary(rules: Record<string, { checked: number; violations: number }>): string {
  const found = Object.entries(rules)
    .filter(([, r]) => r.violations > 0)
    .map(([name, r]) => `${r.violations} ${name}`);
  return `${Object.keys(rules).length} rules checked${found.length ? `, findings: ${found.join(', ')}` : ', no findings'}`;
}

function qualitySection(view: RunView): Html {
  if (view.manifest.inputs.length === 0) return html`<p class="muted">no inputs</p>`;
  const inputs = view.manifest.inputs.map(
    (input) =>
      html`<tr><td>${input.symbol}</td><td>${input.timeframe}</td><td class="num">${input.rows}</td><td class="num">${input.gapCount}</td><td>${input.first ?? '–'} → ${input.last ?? '–'}</td><td title="${input.contentId}">${input.contentId.slice(0, 12)}…</td><td class="wrap">${input.source}</td></tr>`,
  );
  const reports = Object.entries(view.quality).map(([symbol, q]) =>
    q === null
      ? html`<p>${symbol}: <span class="muted">no ingest quality report (not ingested from a file)</span></p>`
      : html`<p><strong>${symbol}</strong> ingest ${q.timeframe}: ${q.rows} rows of ${q.expectedRows} expected, ${q.gapCount} gaps (${q.missingBars} missing bars${q.gapsAllowed ? ', allowed' : ''}), ${ruleSummary(q.rules)}, ${q.first ?? '–'} → ${q.last ?? '–'}</p>`,
  );
  return html`<table id="inputs-table"><thead><tr><th>Symbol</th><th>Timeframe</th><th class="num">Rows</th><th class="num">Gaps</th><th>Span</th><th>Content id</th><th>Source</th></tr></thead><tbody>${inputs}</tbody></table>${reports}`;
}

/** The window's length in ms (null when open-ended). */
function windowSpanMs(window: { since: string | null; until: string | null }): number | null {
  if (!window.since || !window.until) return null;
  return Date.parse(window.until) - Date.parse(window.since);
}

/** The commands that rebuild this run (same config, same data, same engine give the same id) and check it. */
function reproduceSection(api: string, view: RunView, serverEngine: string): SafeHtml {
  const id = view.record.id;
  const file = `${id}-config.json`;
  const commands = `# the run's config, as its manifest records it\ncurl -o ${file} "$BUFF_URL${api}/config.json"   # BUFF_URL: this server's origin; or download it below\nbuff run build --config ${file} --data-root "$DATA_ROOT" --runs-root "$RUNS_ROOT"\nbuff run validate ${id} --runs-root "$RUNS_ROOT"`;
  const engine = view.manifest.engineVersion;
  const warning =
    engine !== serverEngine
      ? html`<p class="error">Built with engine ${engine}; this server runs ${serverEngine}: a rebuild here gives a new run id.</p>`
      : '';
  return html`<section id="reproduce" class="card"><h2>Reproduce</h2>
<p>Same config, same input data (content ids below) and engine ${engine} give the same run id and byte-identical artifacts. <a id="config-download" href="${api}/config.json?download=1" download="${file}">Download the config</a></p>
${warning}<pre id="reproduce-command">${commands}</pre></section>`;
}

/**
 * Points per series of the charts' first view (the whole run): fewer than the pixel columns of the
 * widest price chart (main is at most 1200 px wide), fixed so that <head> can request it before
 * the page knows its width; zooming in asks for the visible range at the chart's own width
 * (run-detail.js). With 2400, setting the data took ~400 ms of the page's time at load 4-8,
 * ~190 ms with 1000 (bench/ui.mjs, together with the sparser guardrail shading).
 */
const OVERVIEW_POINTS = 1000;

/**
 * /runs/:id: charts (price with decisions, equity, drawdown) drawn in the browser from
 * /api/runs/:id/series; metrics, data quality, manifest and artifact downloads server-rendered.
 */
export function renderRunDetailPage(page: {
  base: string;
  view: RunView;
  symbol?: string;
  runsNew: boolean;
  /** The trades table section (run-trades-section.ts). */
  trades: SafeHtml;
  serverEngine: string;
}): string {
  const { base, view } = page;
  const run = view.record;
  const api = `${base}/api/runs/${run.id}`;
  const symbols = [...new Set(view.manifest.inputs.map((input) => input.symbol))];
  const symbol = page.symbol !== undefined && symbols.includes(page.symbol) ? page.symbol : symbols[0];
  const seriesUrl = `${api}/series${symbol === undefined ? '' : `?symbol=${encodeURIComponent(symbol)}`}`;
  const overviewUrl = `${seriesUrl}${seriesUrl.includes('?') ? '&' : '?'}points=${OVERVIEW_POINTS}`;
  const windowText = `${run.window.since ?? '…'} → ${run.window.until ?? '…'}`;
  // several symbols: a plain GET form switches the price chart (run-detail.js submits it on change)
  const picker =
    symbols.length > 1
      ? html`<form method="get" id="symbol-picker"><label>Symbol <select name="symbol">${symbols.map((s) => html`<option ${s === symbol ? new SafeHtml('selected') : ''}>${s}</option>`)}</select></label> <noscript><button>Show</button></noscript></form>`
      : '';
  const artifacts = view.artifacts.map(
    (a) =>
      html`<tr><td><a href="${api}/artifacts/${a.file}?download=1" download>${a.file}</a></td><td>${a.contentType}</td><td class="num">${formatBytes(a.bytes)}</td></tr>`,
  );
  const body = html`<h1>${run.name} <span class="muted">${run.id}</span></h1>
<p class="wrap-line">${run.strategy} · ${run.symbols.join(', ')} · ${run.timeframe} · ${windowText} · ${run.status} · created ${run.createdAt}</p>
<section id="run-charts" data-series-url="${seriesUrl}" data-overview-url="${overviewUrl}">
<h2>Price and decisions${symbol ? ` · ${symbol}` : ''}</h2>${picker}<div id="price-chart" class="chart"></div>
<div class="grid"><div><h2>Equity</h2><div id="equity-chart" class="chart small-chart"></div></div>
<div><h2>Drawdown</h2><div id="drawdown-chart" class="chart small-chart"></div></div></div>
<p id="charts-status" class="muted">loading charts…</p>
<div id="guardrail-periods"></div>
<p class="muted">Charts: <a href="https://www.tradingview.com/" target="_blank" rel="noopener noreferrer">TradingView Lightweight Charts™</a></p></section>
<section class="card"><h2>Metrics</h2>${metricsSection(view.metrics, windowSpanMs(run.window))}</section>
${page.trades}
${reproduceSection(api, view, page.serverEngine)}
<section class="card"><h2>Data quality</h2>${qualitySection(view)}</section>
<section><h2>Artifacts</h2><div class="scroll"><table id="artifacts-table"><thead><tr><th>File</th><th>Type</th><th class="num">Size</th></tr></thead><tbody>${artifacts}</tbody></table></div></section>
<section><h2>Manifest</h2><pre id="manifest">${JSON.stringify(view.manifest, null, 2)}</pre></section>`;
  const scripts = ['lightweight-charts.js', 'run-detail.js'];
  // the overview's request starts from <head>, while the page and the chart library still load
  return layout({
    base,
    title: `${run.name} ${run.id}`,
    body,
    scripts,
    preloadFetch: overviewUrl,
    runsNew: page.runsNew,
  });
}
