import { TIMEFRAMES } from '@buff/core';
import { RunStatusSchema, type RunListQuery, type RunRecord } from '@buff/registry';
import { html, SafeHtml } from './html.js';
import { layout } from './layout.js';
import { formatNumber, formatPercent } from './format.js';

const COLUMNS: Array<{ label: string; sort?: RunListQuery['sort']; num?: boolean }> = [
  { label: 'Run', sort: 'id' },
  { label: 'Name', sort: 'name' },
  { label: 'Strategy', sort: 'strategy' },
  { label: 'Symbols' },
  { label: 'Timeframe' },
  { label: 'Window' },
  { label: 'Created', sort: 'createdAt' },
  { label: 'Status' },
  { label: 'Return', sort: 'totalReturn', num: true },
  { label: 'Sharpe', sort: 'sharpe', num: true },
  { label: 'Max DD', sort: 'maxDrawdown', num: true },
  { label: 'Trades', sort: 'tradeCount', num: true },
];

type ListQuery = RunListQuery & { where?: string };

function queryString(query: ListQuery, change: Partial<ListQuery>): string {
  const merged = { ...query, ...change };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged))
    if (value !== undefined && value !== '') params.set(key, String(value));
  return `?${params.toString()}`;
}

/** Param names shown as columns: those of the listed runs, in first-seen order (at most 6). */
function paramColumns(items: RunRecord[], params: Map<string, Record<string, unknown>>): string[] {
  const names: string[] = [];
  for (const run of items)
    for (const name of Object.keys(params.get(run.id) ?? {})) if (!names.includes(name)) names.push(name);
  return names.slice(0, 6);
}

function paramCell(value: unknown): string {
  if (value === undefined) return '–';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function row(base: string, run: RunRecord, names: string[], params: Record<string, unknown> | undefined): SafeHtml {
  const m = run.metrics;
  const cells = names.map((name) => html`<td class="num">${paramCell(params?.[name])}</td>`);
  return html`<tr data-run-id="${run.id}">
<td><input type="checkbox" name="runs" value="${run.id}" form="compare-form" aria-label="select ${run.id}"></td>
<td><a href="${base}/runs/${run.id}">${run.id}</a></td><td>${run.name}</td><td>${run.strategy}</td><td>${run.symbols.join(', ')}</td>
<td>${run.timeframe}</td><td>${run.window.since ?? '…'} → ${run.window.until ?? '…'}</td><td>${run.createdAt}</td><td>${run.status}</td>
<td class="num">${formatPercent(m.totalReturn)}</td><td class="num">${formatNumber(m.sharpe)}</td><td class="num">${formatPercent(m.maxDrawdown)}</td><td class="num">${m.tradeCount ?? '–'}</td>${cells}<td>${run.tags.join(', ')}</td></tr>`;
}

/**
 * /runs: a filter form, a sortable table of runs (headers toggle the sort) and paging links.
 * @example renderRunsListPage({ base: '', query, items, total, strategies: ['sma-cross'], runsNew: false })
 */
export function renderRunsListPage(page: {
  base: string;
  query: ListQuery;
  items: RunRecord[];
  /** Strategy params of the listed runs (runs-filter.ts runParams). */
  params: Map<string, Record<string, unknown>>;
  total: number;
  strategies: string[];
  runsNew: boolean;
}): string {
  const { base, query, items, total } = page;
  const names = paramColumns(items, page.params);
  const header = COLUMNS.map((col) => {
    if (!col.sort) return html`<th>${col.label}</th>`;
    const active = query.sort === col.sort;
    const order = active && query.order === 'desc' ? 'asc' : 'desc';
    return html`<th class="${col.num ? 'num' : ''}"><a href="${queryString(query, { sort: col.sort, order, offset: 0 })}">${col.label}${active ? (query.order === 'desc' ? ' ▼' : ' ▲') : ''}</a></th>`;
  });
  const select = (name: 'strategy' | 'timeframe' | 'status', options: readonly string[]) =>
    html`<label>${name}<select name="${name}"><option value="">any</option>${options.map((o) => html`<option ${o === query[name] ? new SafeHtml('selected') : ''}>${o}</option>`)}</select></label>`;
  const text = (name: 'symbol' | 'tag') =>
    html`<label>${name}<input name="${name}" value="${query[name] ?? ''}" size="12"></label>`;
  const where = html`<label>metrics<input name="where" value="${query.where ?? ''}" size="22" placeholder="sharpe>1, drawdown>-10" title="sharpe, return (%), drawdown (%), trades with > >= < <= =, comma separated"></label>`;
  const filters = [
    select('strategy', page.strategies),
    text('symbol'),
    select('timeframe', TIMEFRAMES),
    select('status', RunStatusSchema.options),
    text('tag'),
    where,
  ];
  const first = total === 0 ? 0 : query.offset + 1;
  const last = Math.min(total, query.offset + query.limit);
  const prev =
    query.offset > 0
      ? html`<a rel="prev" href="${queryString(query, { offset: Math.max(0, query.offset - query.limit) })}">← previous</a>`
      : '';
  const next =
    last < total
      ? html`<a rel="next" href="${queryString(query, { offset: query.offset + query.limit })}">next →</a>`
      : '';
  const filtered = ['strategy', 'symbol', 'timeframe', 'status', 'tag', 'where'].some(
    (key) => query[key as keyof ListQuery] !== undefined,
  );
  const empty = filtered
    ? html`<div class="empty-state" id="runs-empty"><p>No runs match these filters.</p><p><a href="${base}/runs">Clear the filters</a></p></div>`
    : html`<div class="empty-state" id="runs-empty"><p>No runs yet.</p><p>Build one with <code>buff run build --config configs/run_demo.yml</code>${page.runsNew ? html` or <a href="${base}/runs/new">start a new run here</a>` : ''}; it appears here once published.</p></div>`;
  const paramHeads = names.map((name) => html`<th class="num" title="strategy param">${name}</th>`);
  const table =
    total === 0
      ? empty
      : html`<form id="compare-form" method="get" action="${base}/compare" data-compare-url="${base}/compare"><p><button type="submit" id="compare-button" disabled>Compare selected</button> <span class="muted" id="compare-hint">select two or more runs</span></p></form>
<div class="scroll"><table id="runs-table"><thead><tr><th><span class="visually-hidden">Select</span></th>${header}${paramHeads}<th>Tags</th></tr></thead><tbody>${items.map((run) => row(base, run, names, page.params.get(run.id)))}</tbody></table></div>
<p>${prev} ${next}</p>`;
  const body = html`<h1>Runs</h1>
<form class="filters" method="get">${filters}<input type="hidden" name="sort" value="${query.sort}"><input type="hidden" name="order" value="${query.order}"><button type="submit">Filter</button> <a href="${base}/runs">clear</a></form>
<p class="muted" id="runs-count">${first}–${last} of ${total} runs</p>
${table}`;
  return layout({ base, title: 'Runs', body, scripts: ['runs-list.js'], runsNew: page.runsNew });
}
