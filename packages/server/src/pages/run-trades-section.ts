import type { TRADE_SORTS, TradeGroup, TradeRow, TradesQuery } from '../run-trades.js';
import { formatNumber } from './format.js';
import { html, type SafeHtml } from './html.js';

type TradeSort = (typeof TRADE_SORTS)[number];

const COLUMNS: Array<{ label: string; sort?: TradeSort; num?: boolean }> = [
  { label: 'Symbol', sort: 'symbol' },
  { label: 'Side', sort: 'side' },
  { label: 'Entry (UTC)', sort: 'entryTime' },
  { label: 'Entry price', num: true },
  { label: 'Exit (UTC)', sort: 'exitTime' },
  { label: 'Exit price', num: true },
  { label: 'P&L', sort: 'pnl', num: true },
  { label: 'Return', sort: 'returnPct', num: true },
  { label: 'Exit reason', sort: 'exitReason' },
];

/** `2024-01-02T03:00:00.000Z` → `2024-01-02 03:00`. */
const shortTime = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

function price(value: number): string {
  const digits = Math.abs(value) >= 1000 ? 2 : Math.abs(value) >= 1 ? 4 : 8;
  return formatNumber(value, digits);
}

function groupTable(id: string, title: string, groups: TradeGroup[]): SafeHtml {
  const rows = groups.map(
    (g) =>
      html`<tr><td class="wrap">${g.key || '–'}</td><td class="num">${g.trades}</td><td class="num">${((100 * g.wins) / g.trades).toFixed(1)}%</td><td class="num">${formatNumber(g.pnl)}</td></tr>`,
  );
  return html`<div class="scroll"><table id="${id}"><thead><tr><th>${title}</th><th class="num">Trades</th><th class="num">Won</th><th class="num">Net P&amp;L</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/**
 * The run page's trades: breakdowns by symbol and by exit reason, a table sortable by its headers
 * and paged (plain links, so it works without script), and the CSV download of every trade.
 * `link(change)` makes the page URL with the trades query changed.
 * @example tradesSection({ api, rows, total, query, bySymbol, byExitReason, link })
 */
export function tradesSection(s: {
  api: string;
  rows: TradeRow[];
  total: number;
  query: TradesQuery;
  bySymbol: TradeGroup[];
  byExitReason: TradeGroup[];
  link: (change: Partial<TradesQuery>) => string;
}): SafeHtml {
  const { query, total } = s;
  if (total === 0)
    return html`<section id="trades"><h2>Trades</h2><p class="muted" id="no-trades">This run closed no trades.</p></section>`;
  const header = COLUMNS.map((col) => {
    if (!col.sort) return html`<th class="${col.num ? 'num' : ''}">${col.label}</th>`;
    const active = query.sort === col.sort;
    const order = active && query.order === 'asc' ? 'desc' : 'asc';
    const arrow = active ? (query.order === 'desc' ? ' ▼' : ' ▲') : '';
    return html`<th class="${col.num ? 'num' : ''}"><a href="${s.link({ sort: col.sort, order, offset: 0 })}#trades">${col.label}${arrow}</a></th>`;
  });
  const body = s.rows.map(
    (t) =>
      html`<tr><td>${t.symbol}</td><td>${t.side}</td><td>${shortTime(t.entryTime)}</td><td class="num">${price(t.entryPrice)}</td><td>${shortTime(t.exitTime)}</td><td class="num">${price(t.exitPrice)}</td><td class="num ${t.pnl < 0 ? 'loss' : 'gain'}">${formatNumber(t.pnl)}</td><td class="num">${t.returnPct.toFixed(2)}%</td><td class="wrap">${t.exitReason}</td></tr>`,
  );
  const last = Math.min(total, query.offset + query.limit);
  const prev =
    query.offset > 0
      ? html`<a rel="prev" href="${s.link({ offset: Math.max(0, query.offset - query.limit) })}#trades">← previous</a>`
      : '';
  const next = last < total ? html`<a rel="next" href="${s.link({ offset: last })}#trades">next →</a>` : '';
  return html`<section id="trades"><h2>Trades</h2>
<p><span class="muted" id="trades-count">${query.offset + 1}–${last} of ${total} trades</span> · <a id="trades-csv" href="${s.api}/trades.csv" download>Download CSV</a></p>
<div class="grid">${groupTable('trades-by-symbol', 'Symbol', s.bySymbol)}${groupTable('trades-by-reason', 'Exit reason', s.byExitReason)}</div>
<div class="scroll"><table id="trades-table"><thead><tr>${header}</tr></thead><tbody>${body}</tbody></table></div>
<p class="pager">${prev} ${next}</p></section>`;
}
