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

function queryString(query: RunListQuery, change: Partial<RunListQuery>): string {
  const merged = { ...query, ...change };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged))
    if (value !== undefined && value !== '') params.set(key, String(value));
  return `?${params.toString()}`;
}

function row(base: string, run: RunRecord): SafeHtml {
  const m = run.metrics;
  return html`<tr data-run-id="${run.id}">
<td><a href="${base}/runs/${run.id}">${run.id}</a></td><td>${run.name}</td><td>${run.strategy}</td><td>${run.symbols.join(', ')}</td>
<td>${run.timeframe}</td><td>${run.window.since ?? '…'} → ${run.window.until ?? '…'}</td><td>${run.createdAt}</td><td>${run.status}</td>
<td class="num">${formatPercent(m.totalReturn)}</td><td class="num">${formatNumber(m.sharpe)}</td><td class="num">${formatPercent(m.maxDrawdown)}</td><td class="num">${m.tradeCount ?? '–'}</td></tr>`;
}

/**
 * /runs: a filter form, a sortable table of runs (headers toggle the sort) and paging links.
 * @example renderRunsListPage({ base: '', query, items, total, strategies: ['sma-cross'], runsNew: false })
 */
export function renderRunsListPage(page: {
  base: string;
  query: RunListQuery;
  items: RunRecord[];
  total: number;
  strategies: string[];
  runsNew: boolean;
}): string {
  const { base, query, items, total } = page;
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
  const filters = [
    select('strategy', page.strategies),
    text('symbol'),
    select('timeframe', TIMEFRAMES),
    select('status', RunStatusSchema.options),
    text('tag'),
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
  const body = html`<h1>Runs</h1>
<form class="filters" method="get">${filters}<input type="hidden" name="sort" value="${query.sort}"><input type="hidden" name="order" value="${query.order}"><button type="submit">Filter</button> <a href="${base}/runs">clear</a></form>
<p class="muted" id="runs-count">${first}–${last} of ${total} runs</p>
<table id="runs-table"><thead><tr>${header}</tr></thead><tbody>${items.map((run) => row(base, run))}</tbody></table>
<p>${prev} ${next}</p>`;
  return layout({ base, title: 'Runs', body, runsNew: page.runsNew });
}
